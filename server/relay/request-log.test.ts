import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { createRequestLog } from './request-log';

/** The relay's logger writing into memory: each JSON line parsed. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server answering `status` and logging each request through createRequestLog. */
async function serve(status: number, log: ReturnType<typeof createRequestLog>): Promise<string> {
  const server = http.createServer((req, res) => {
    const started = performance.now();
    res.once('finish', () => log(req, res, 'req-1', started));
    req.resume();
    req.on('end', () => res.writeHead(status).end());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('request lines', () => {
  it('write the fixed fields only, without the query, at the level the status calls for', async () => {
    const { logger, lines } = capturedLogger();
    const log = createRequestLog(logger.child({ component: 'ingest' }));
    for (const status of [200, 404, 503]) {
      const url = await serve(status, log);
      await fetch(`${url}/hooks/abc?code=oauth-code&state=s`, {
        method: 'POST',
        body: '{"a":1}',
        headers: { authorization: 'Bearer tok', 'user-agent': 'cal.com' },
      });
    }
    await expect.poll(() => lines.length).toBe(3);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'request completed'],
      [40, 'request completed'],
      [50, 'request errored'],
    ]);
    const [first] = lines;
    expect(first?.component).toBe('ingest');
    expect(first?.req).toEqual({
      id: 'req-1',
      method: 'POST',
      path: '/hooks/abc',
      remoteAddress: '127.0.0.1',
      userAgent: 'cal.com',
      contentLength: '7',
    });
    expect(first?.res).toEqual({ statusCode: 200 });
    expect(typeof first?.responseTime).toBe('number');
    const all = JSON.stringify(lines);
    expect(all).not.toContain('oauth-code');
    expect(all).not.toContain('Bearer tok');
  });

  it('clip what the client chooses, path and User-Agent, to 200 characters', async () => {
    const { logger, lines } = capturedLogger();
    const url = await serve(404, createRequestLog(logger));
    await fetch(`${url}/${'p'.repeat(5000)}`, { headers: { 'user-agent': 'u'.repeat(8000) } });
    await expect.poll(() => lines.length).toBe(1);
    const req = lines[0]?.req as { path: string; userAgent: string };
    expect(req.path).toBe(`/${'p'.repeat(199)}…`);
    expect(req.userAgent).toBe(`${'u'.repeat(200)}…`);
  });

  it('leave the redaction of every other line in place', () => {
    const { logger, lines } = capturedLogger();
    createRequestLog(logger);
    logger.info({ secret: 's1', token: 't1', body: { accessToken: 'a1' }, req: { headers: { authorization: 'b1' } } });
    expect(lines[0]).toMatchObject({
      secret: '[redacted]',
      token: '[redacted]',
      body: { accessToken: '[redacted]' },
      req: { headers: { authorization: '[redacted]' } },
    });
  });
});
