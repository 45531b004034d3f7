import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchFn } from '../ports';
import { isAbort, request } from './request';

/** A real loopback server: the helper is checked against Node's own fetch, not only fakes. */
let base = '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/slow') return void setTimeout(() => res.end('{}'), 2_000);
    if (url.pathname === '/empty') return void res.writeHead(204).end();
    if (url.pathname === '/text') return void res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502</h1>');
    const echo = {
      method: req.method,
      type: req.headers['content-type'] ?? null,
      auth: req.headers.authorization ?? null,
      body: Buffer.concat(chunks).toString(),
    };
    const headers = { 'content-type': 'application/json', 'x-ratelimit-remaining': '7' };
    res.writeHead(url.pathname === '/refuse' ? 409 : 200, headers);
    res.end(JSON.stringify(echo));
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('request', () => {
  it('sends JSON with its content type and the given headers, and parses the JSON answer', async () => {
    const headers = { authorization: 'Bearer t' };
    const res = await request(fetch, {
      method: 'POST',
      url: `${base}/echo`,
      headers,
      json: { a: 1 },
      timeoutMs: 5_000,
    });
    expect(res).toMatchObject({ kind: 'answer', ok: true, status: 200 });
    if (res.kind !== 'answer') throw new Error('no answer');
    expect(res.body).toEqual({ method: 'POST', type: 'application/json', auth: 'Bearer t', body: '{"a":1}' });
    expect(res.headers.get('x-ratelimit-remaining')).toBe('7');
    expect(res.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sends no body and no content type without `json`', async () => {
    const res = await request(fetch, { method: 'GET', url: `${base}/echo`, timeoutMs: 5_000 });
    expect(res).toMatchObject({ kind: 'answer', body: { method: 'GET', type: null, body: '' } });
  });

  it('keeps an HTTP error as an answer with its parsed body; 204 is null, a non-JSON body undefined', async () => {
    const refused = await request(fetch, { method: 'GET', url: `${base}/refuse`, timeoutMs: 5_000 });
    expect(refused).toMatchObject({ kind: 'answer', ok: false, status: 409, body: { method: 'GET' } });
    const empty = await request(fetch, { method: 'DELETE', url: `${base}/empty`, timeoutMs: 5_000 });
    expect(empty).toMatchObject({ kind: 'answer', ok: true, status: 204, body: null });
    const text = await request(fetch, { method: 'GET', url: `${base}/text`, timeoutMs: 5_000 });
    expect(text).toMatchObject({ kind: 'answer', ok: false, status: 502 });
    expect(text.kind === 'answer' && text.body).toBeUndefined();
  });

  it('drops the body unread for the statuses the caller names', async () => {
    const skipBody = (status: number) => status === 409;
    const res = await request(fetch, { method: 'GET', url: `${base}/refuse`, timeoutMs: 5_000, skipBody });
    expect(res).toMatchObject({ kind: 'answer', status: 409 });
    expect(res.kind === 'answer' && res.body).toBeUndefined();
  });

  it('a timeout is unreachable and timed out; a refused connection is unreachable, not timed out', async () => {
    const slow = await request(fetch, { method: 'GET', url: `${base}/slow`, timeoutMs: 50 });
    expect(slow).toMatchObject({ kind: 'unreachable', timedOut: true });
    const down = await request(fetch, { method: 'GET', url: 'http://127.0.0.1:9/', timeoutMs: 5_000 });
    expect(down).toMatchObject({ kind: 'unreachable', timedOut: false });
  });

  it('the caller’s signal aborts it too', async () => {
    const stop = new AbortController();
    const pending = request(fetch, { method: 'GET', url: `${base}/slow`, timeoutMs: 5_000, signal: stop.signal });
    stop.abort();
    expect(await pending).toMatchObject({ kind: 'unreachable', timedOut: true });
  });

  it('uses only the fetch it is given, and never throws what that fetch throws', async () => {
    const seen: string[] = [];
    const fake: FetchFn = async (input) => {
      seen.push(String(input));
      throw new TypeError('fetch failed');
    };
    const res = await request(fake, { method: 'GET', url: 'https://nowhere.test/x', timeoutMs: 1_000 });
    expect(res).toMatchObject({ kind: 'unreachable', timedOut: false, error: new TypeError('fetch failed') });
    expect(seen).toEqual(['https://nowhere.test/x']);
  });
});

describe('isAbort', () => {
  it('is true for timeout and abort errors only', () => {
    expect(isAbort(new DOMException('t', 'TimeoutError'))).toBe(true);
    expect(isAbort(new DOMException('a', 'AbortError'))).toBe(true);
    expect(isAbort(new TypeError('fetch failed'))).toBe(false);
    expect(isAbort('TimeoutError')).toBe(false);
  });
});
