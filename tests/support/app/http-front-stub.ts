import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test helper: a streaming reverse proxy that can answer a request itself instead of passing it on, to inject
 * relay outages (503/401 on the stream) or a failed forward to the receiver. Counts what went through.
 */
export interface HttpFront {
  readonly url: string;
  readonly seen: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** 'pass' proxies, `{status}` answers at once, 'hang' never answers (until the front closes). */
export type FrontRule = (req: IncomingMessage) => 'pass' | 'hang' | { status: number };

export async function startFront(targetBase: string, rule: FrontRule): Promise<HttpFront> {
  const target = new URL(targetBase);
  const seen: HttpFront['seen'] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    const decision = rule(req);
    if (decision === 'hang') return;
    if (decision !== 'pass') {
      req.resume();
      res.writeHead(decision.status, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
