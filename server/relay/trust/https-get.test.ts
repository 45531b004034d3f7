import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpsGet } from './https-get';

let server: http.Server;
let base = '';
const seen: http.IncomingHttpHeaders[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/ok') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
    else if (req.url === '/moved') res.writeHead(302, { location: '/ok' }).end();
    else if (req.url === '/denied') res.writeHead(401).end('{"status":"error"}');
    else if (req.url === '/huge') res.writeHead(200).end('x'.repeat(100_000));
    else if (req.url === '/slow') res.writeHead(200).write('{'); // and never ends
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
const opts = { timeoutMs: 500, maxBytes: 10_000 };

it('answers a 200 with its body, sending the headers given', async () => {
  expect(await httpsGet(`${base}/ok`, { authorization: 'Bearer t' }, opts)).toEqual({
    kind: 'answered',
    status: 200,
    body: '{"status":"success"}',
  });
  expect(seen.at(-1)?.authorization).toBe('Bearer t');
});

it('does not follow a redirect, and reads no body but a 200', async () => {
  expect(await httpsGet(`${base}/moved`, {}, opts)).toEqual({ kind: 'answered', status: 302, body: '' });
  expect(await httpsGet(`${base}/denied`, {}, opts)).toEqual({ kind: 'answered', status: 401, body: '' });
});

it('fails a body past maxBytes, a request past timeoutMs and a refused connection', async () => {
  expect(await httpsGet(`${base}/huge`, {}, opts)).toEqual({ kind: 'failed', reason: 'too large' });
  expect(await httpsGet(`${base}/slow`, {}, opts)).toEqual({ kind: 'failed', reason: 'timed out' });
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  expect(await httpsGet(`http://127.0.0.1:${port}/`, {}, opts)).toEqual({ kind: 'failed', reason: 'not reachable' });
});
