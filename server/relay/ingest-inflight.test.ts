import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { calSignature } from './crypto';
import {
  createReadyChannel,
  metricValue,
  postWebhook,
  relaysPerTest,
  TEST_SECRET,
} from '../../tests/support/relay/relay-test-kit';

/**
 * Bytes of webhook bodies in flight, per client and in all: rate limits bound how often a client posts, not how much
 * it makes the relay hold at once with slow bodies over many connections. Clients are told apart by
 * X-Forwarded-For from a trusted loopback proxy, as behind Caddy.
 */

const relays = relaysPerTest();
// The test's raw sockets, closed before its relay stops (hooks after a test run last-registered first).
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A webhook whose headers and first bytes are sent; `finish` sends the rest and resolves with the status line. */
async function slowPost(url: string, path: string, client: string, body: Buffer) {
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
  cleanups.push(() => socket.destroy());
  await new Promise((r) => socket.once('connect', r));
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
      `X-Forwarded-For: ${client}\r\nX-Cal-Signature-256: ${calSignature(TEST_SECRET, body)}\r\n\r\n`,
  );
  socket.write(body.subarray(0, 10));
  return {
    async finish(): Promise<string> {
      socket.write(body.subarray(10)); // not end(): node's server aborts a request whose client half-closes
      while (!answer.includes('\r\n')) await new Promise((r) => setTimeout(r, 10));
      return answer.split('\r\n')[0] as string;
    },
  };
}

const bodyOf = (bytes: number) => {
  const head = '{"triggerEvent":"PING","pad":"';
  return Buffer.from(`${head}${'x'.repeat(bytes - head.length - 2)}"}`);
};

describe('webhook bodies in flight', () => {
  it('are capped per client (429) and in all (503), and the budget comes back when a body is stored', async () => {
    const env = {
      RELAY_TRUST_PROXY: 'loopback',
      RELAY_BODY_LIMIT: '4kb',
      RELAY_INGEST_INFLIGHT_PER_IP: '8kb',
      RELAY_INGEST_INFLIGHT_TOTAL: '10kb',
    };
    const { url } = await relays.start(env);
    const ch = await createReadyChannel(url);
    const path = new URL(ch.ingestUrl).pathname;
    const as = (client: string) => ({ secret: TEST_SECRET, headers: { 'x-forwarded-for': client } });

    // Client A holds two 4 KB bodies open: its whole 8 KB.
    const a1 = await slowPost(url, path, '203.0.113.1', bodyOf(4096));
    const a2 = await slowPost(url, path, '203.0.113.1', bodyOf(4096));
    await new Promise((r) => setTimeout(r, 100));
    const overClient = await postWebhook(ch.ingestUrl, bodyOf(100), as('203.0.113.1'));
    expect(overClient.status).toBe(429);
    expect(overClient.headers.get('retry-after')).toBe('1');
    expect(((await overClient.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Client B: 4 KB more would take the relay past its 10 KB (a small body counts the same: min(16 KiB, the limit)).
    const overTotal = await postWebhook(ch.ingestUrl, bodyOf(4096), as('203.0.113.2'));
    expect(overTotal.status).toBe(503);
    expect(((await overTotal.json()) as { error: { code: string } }).error.code).toBe('busy');
    expect((await postWebhook(ch.ingestUrl, bodyOf(100), as('203.0.113.2'))).status).toBe(503);
    expect(await metricValue(url, 'relay_ingest_total{outcome="busy"}')).toBe(2);

    // Stored and answered: their bytes are free again.
    expect(await a1.finish()).toBe('HTTP/1.1 200 OK');
    expect(await a2.finish()).toBe('HTTP/1.1 200 OK');
    expect((await postWebhook(ch.ingestUrl, bodyOf(4096), as('203.0.113.1'))).status).toBe(200);
    expect((await postWebhook(ch.ingestUrl, bodyOf(4096), as('203.0.113.2'))).status).toBe(200);
  });

  it('counts at least 16 KiB for any request, so tiny slow bodies are not free to hold open', async () => {
    const env = { RELAY_BODY_LIMIT: '32kb', RELAY_INGEST_INFLIGHT_PER_IP: '64kb' };
    const { url } = await relays.start(env);
    const ch = await createReadyChannel(url);
    const path = new URL(ch.ingestUrl).pathname;
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await slowPost(url, path, '127.0.0.1', bodyOf(40)));
    await new Promise((r) => setTimeout(r, 100));
    expect((await postWebhook(ch.ingestUrl, bodyOf(40), { secret: TEST_SECRET })).status).toBe(429);
    for (const h of held) expect(await h.finish()).toBe('HTTP/1.1 200 OK');
    expect((await postWebhook(ch.ingestUrl, bodyOf(40), { secret: TEST_SECRET })).status).toBe(200);
  });

  it('frees the budget of a body whose client went away', async () => {
    const env = { RELAY_BODY_LIMIT: '4kb', RELAY_INGEST_INFLIGHT_PER_IP: '4kb' };
    const { url } = await relays.start(env);
    const ch = await createReadyChannel(url);
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST ${new URL(ch.ingestUrl).pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: 4096\r\n\r\n{"a":`,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect((await postWebhook(ch.ingestUrl, bodyOf(100), { secret: TEST_SECRET })).status).toBe(429);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await postWebhook(ch.ingestUrl, bodyOf(100), { secret: TEST_SECRET })).status).toBe(200);
  });
});
