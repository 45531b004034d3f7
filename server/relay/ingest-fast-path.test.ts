import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { calSignature } from './crypto';
import {
  createChannel,
  createReadyChannel,
  TEST_METRICS_TOKEN,
  TEST_SECRET,
  postWebhook,
  relaysPerTest,
} from '../../tests/support/relay/relay-test-kit';

/**
 * POST /hooks/:channel is served from node:http ahead of express (issue 18). What express used to give it for free —
 * req.ip under `trust proxy`, express-rate-limit's headers, the router's matching and decoding, req.query — is
 * pinned here, over real HTTP on loopback.
 */
const relays = relaysPerTest();
const relay = relays.start;
const signed = (headers: Record<string, string> = {}) => ({ secret: TEST_SECRET, headers });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
/** One request exactly as written (fetch cannot send an absolute-form target or a fragment). */
function rawRequest(url: string, text: string): Promise<RawResponse> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}
function signedPost(target: string, body: string): string {
  const sig = calSignature(TEST_SECRET, Buffer.from(body));
  return (
    `POST ${target} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nX-Cal-Signature-256: ${sig}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

describe('POST /hooks/:channel on the fast path', () => {
  it('keys the per-IP limit on the address `trust proxy` picks: a hop count trusts only that many proxies', async () => {
    const r = await relay({ RELAY_RATE_LIMIT_IP_PER_MIN: '1', RELAY_TRUST_PROXY: '1' });
    const ch = await createReadyChannel(r.url);
    const via = (xff: string) => postWebhook(ch.ingestUrl, '{}', signed({ 'x-forwarded-for': xff }));
    // One trusted hop: the client is the rightmost X-Forwarded-For entry; what it claims further left is ignored.
    expect((await via('198.51.100.7, 203.0.113.1')).status).toBe(200);
    expect((await via('198.51.100.8, 203.0.113.1')).status).toBe(429);
    expect((await via('198.51.100.7, 203.0.113.2')).status).toBe(200);
    // IPv6 clients are grouped by /56, as on every express route.
    expect((await via('2001:db8:0:1::1')).status).toBe(200);
    expect((await via('2001:db8:0:2::1')).status).toBe(429);
  });

  it('ignores X-Forwarded-For without trust proxy, and still logs the one-time warning from the fast path', async () => {
    const r = await relay({ RELAY_RATE_LIMIT_IP_PER_MIN: '1' });
    const ch = await createReadyChannel(r.url);
    expect((await postWebhook(ch.ingestUrl, '{}', signed({ 'x-forwarded-for': '203.0.113.1' }))).status).toBe(200);
    expect((await postWebhook(ch.ingestUrl, '{}', signed({ 'x-forwarded-for': '203.0.113.2' }))).status).toBe(429);
    expect(r.logs().match(/X-Forwarded-For received but RELAY_TRUST_PROXY is off/g)).toHaveLength(1);
  });

  it('sends the draft-7 RateLimit headers of the limit that applied, Retry-After and the JSON 429', async () => {
    const r = await relay({ RELAY_RATE_LIMIT_IP_PER_MIN: '50', RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '2' });
    const ch = await createReadyChannel(r.url);
    // An unknown channel is counted per IP only.
    const unknown = await postWebhook(`${r.url}/hooks/${'q'.repeat(24)}`, '{}', signed());
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('ratelimit-policy')).toBe('50;w=60');
    expect(unknown.headers.get('ratelimit')).toMatch(/^limit=50, remaining=49, reset=(60|59)$/);
    const first = await postWebhook(ch.ingestUrl, '{}', signed());
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('2;w=60');
    expect(first.headers.get('ratelimit')).toMatch(/^limit=2, remaining=1, reset=(60|59)$/);
    expect(first.headers.get('retry-after')).toBeNull();
    expect((await postWebhook(ch.ingestUrl, '{}', signed())).status).toBe(200);
    const limited = await postWebhook(ch.ingestUrl, '{}', signed());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit')).toMatch(/^limit=2, remaining=0, reset=\d+$/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect(limited.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await errorOf(limited)).toEqual({ code: 'rate_limited', message: 'Too many requests; slow down.' });
    const metrics = await (
      await fetch(`${r.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/^relay_ingest_total\{outcome="rate_limited"\} 1$/m);
  });

  it('answers an undecodable channel segment 400 in the JSON error shape, as express did, and stays up', async () => {
    const r = await relay();
    const res = await postWebhook(`${r.url}/hooks/%E0%A4%A`, '{}', signed({ 'x-request-id': 'bad segment' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await errorOf(res)).toEqual({ code: 'bad_request', message: 'The request could not be read.' });
    const ch = await createReadyChannel(r.url);
    expect((await postWebhook(ch.ingestUrl, '{}', signed())).status).toBe(200);
  });

  it('stores the query string as express parsed it: each key once, its first value', async () => {
    const r = await relay();
    const ch = await createReadyChannel(r.url);
    const queries: unknown[] = [];
    r.relay.onEventStored((id, e) => id === ch.id && queries.push(e.query));
    expect((await postWebhook(`${ch.ingestUrl}?a=b&c=d`, '{}', signed())).status).toBe(200);
    expect((await postWebhook(`${ch.ingestUrl}/?a=1&a=2&e=%20x&f`, '{}', signed())).status).toBe(200);
    expect((await postWebhook(ch.ingestUrl, '{}', signed())).status).toBe(200);
    expect(queries).toEqual([{ a: 'b', c: 'd' }, { a: '1', e: ' x', f: '' }, {}]);
  });

  it('serves every target express routed to POST /hooks/:channel: absolute form and a fragment', async () => {
    const r = await relay();
    const ch = await createReadyChannel(r.url);
    const queries: unknown[] = [];
    r.relay.onEventStored((id, e) => id === ch.id && queries.push(e.query));
    const absolute = await rawRequest(r.url, signedPost(`http://relay/hooks/${ch.id}?via=absolute`, '{"n":1}'));
    expect([absolute.status, absolute.body]).toEqual([200, '{"received":true,"seq":1}']);
    const fragment = await rawRequest(r.url, signedPost(`/hooks/${ch.id}?via=fragment#part`, '{"n":2}'));
    expect([fragment.status, fragment.body]).toEqual([200, '{"received":true,"seq":2}']);
    expect(fragment.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(fragment.headers['cache-control']).toBe('no-store');
    expect(queries).toEqual([{ via: 'absolute' }, { via: 'fragment' }]);
  });

  it('keeps a well-formed X-Request-Id and replaces any other with a UUID', async () => {
    const r = await relay();
    const ch = await createChannel(r.url);
    const kept = await postWebhook(ch.ingestUrl, '{}', { headers: { 'x-request-id': 'hook-42.a_b' } });
    expect(kept.headers.get('x-request-id')).toBe('hook-42.a_b');
    const replaced = await postWebhook(ch.ingestUrl, '{}', { headers: { 'x-request-id': 'x'.repeat(65) } });
    expect(replaced.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(r.logs()).toContain('"id":"hook-42.a_b"');
  });

  it('reads off an oversized body before answering 413, so the client gets the answer', async () => {
    const r = await relay({ RELAY_BODY_LIMIT: '2kb' });
    const ch = await createReadyChannel(r.url);
    const res = await rawRequest(r.url, signedPost(`/hooks/${ch.id}`, JSON.stringify({ pad: 'x'.repeat(256 * 1024) })));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'payload_too_large', message: 'The body is larger than 2048 bytes.' },
    });
  });
});
