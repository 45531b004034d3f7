import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP front that forwards every request to whatever `target()` names at that moment. */
export interface ForwardingFront {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Test stacks replace their Cal.com sandbox (a fresh one per test) while one relay keeps running, configured once
 * with the Cal.com API it verifies identities against (RELAY_CALCOM_API_URL). This front gives the relay one stable
 * address in front of the current sandbox.
 */
export async function startForwardingFront(target: () => string): Promise<ForwardingFront> {
  const server = createServer((req, res) => {
    const to = new URL(req.url ?? '/', target());
    const upstream = request(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
