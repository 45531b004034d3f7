import { describe, expect, it } from 'vitest';
import { pullResponseSchema } from '../../common/relay';
import { calSignature } from './crypto';
import {
  createChannel,
  createReadyChannel,
  TEST_SECRET,
  postWebhook,
  setSecret,
  startRelay,
  testConfig,
  relaysPerTest,
} from '../../tests/support/relay/relay-test-kit';

const relays = relaysPerTest();
const relay = relays.start;
async function lastSeq(url: string, id: string, token: string): Promise<number> {
  const res = await fetch(`${url}/api/channels/${id}/events?limit=1000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return pullResponseSchema.parse(await res.json()).lastSeq;
}
const SECRET = 'webhook-secret-0123456789';
const PING = JSON.stringify({
  triggerEvent: 'PING',
  createdAt: new Date(0).toISOString(),
  payload: { type: 'Test', title: 'Test trigger event' },
});
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('POST /hooks/:channel', () => {
  it('stores a signed webhook and answers 200 with its sequence; PING is stored like any event', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    await setSecret(url, ch, SECRET);
    const res = await postWebhook(ch.ingestUrl, PING, {
      secret: SECRET,
      headers: { 'x-cal-webhook-version': '2021-10-20' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, seq: 1 });
    const pulled = pullResponseSchema.parse(
      await (
        await fetch(`${url}/api/channels/${ch.id}/events`, { headers: { authorization: `Bearer ${ch.token}` } })
      ).json(),
    );
    expect(Buffer.from(pulled.events[0]!.bodyBase64, 'base64').toString()).toBe(PING);
    expect(pulled.events[0]!.headers['x-cal-signature-256']).toBe(calSignature(SECRET, Buffer.from(PING)));
    expect(pulled.events[0]!.headers['x-cal-webhook-version']).toBe('2021-10-20');
  });

  it('accepts the legacy X-Cal-Signature header', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    await setSecret(url, ch, SECRET);
    const res = await postWebhook(ch.ingestUrl, PING, {
      headers: { 'x-cal-signature': calSignature(SECRET, Buffer.from(PING)) },
    });
    expect(res.status).toBe(200);
  });

  it('answers every rejection precisely and stores none of them', async () => {
    const { url } = await relay({ RELAY_BODY_LIMIT: '2kb' });
    const ch = await createReadyChannel(url);
    await setSecret(url, ch, SECRET);
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['missing signature', postWebhook(ch.ingestUrl, PING), 401, 'invalid_signature'],
      [
        'wrong signature',
        postWebhook(ch.ingestUrl, PING, { secret: 'another-secret-0123456' }),
        401,
        'invalid_signature',
      ],
      [
        'no-secret-provided',
        postWebhook(ch.ingestUrl, PING, { headers: { 'x-cal-signature-256': 'no-secret-provided' } }),
        401,
        'invalid_signature',
      ],
      [
        'tampered body',
        postWebhook(ch.ingestUrl, PING, {
          headers: { 'x-cal-signature-256': calSignature(SECRET, Buffer.from(PING + ' ')) },
        }),
        401,
        'invalid_signature',
      ],
      ['unknown channel', postWebhook(`${url}/hooks/${'q'.repeat(24)}`, PING, { secret: SECRET }), 404, 'not_found'],
      ['malformed channel', postWebhook(`${url}/hooks/bad!id`, PING, { secret: SECRET }), 404, 'not_found'],
      ['not JSON', postWebhook(ch.ingestUrl, '{"triggerEvent":', { secret: SECRET }), 400, 'invalid_json'],
      ['empty body', postWebhook(ch.ingestUrl, '', { secret: SECRET }), 400, 'invalid_json'],
      // Parses, but ~10x slower than flat JSON and too deep to serialize again: refused before JSON.parse.
      [
        'nested 65 deep',
        postWebhook(ch.ingestUrl, '['.repeat(65) + ']'.repeat(65), { secret: SECRET }),
        400,
        'invalid_json',
      ],
      [
        'invalid UTF-8',
        postWebhook(ch.ingestUrl, Buffer.from([0x22, 0xff, 0x22]), { secret: SECRET }),
        400,
        'invalid_json',
      ],
      [
        'too large',
        postWebhook(ch.ingestUrl, JSON.stringify({ pad: 'x'.repeat(3000) }), { secret: SECRET }),
        413,
        'payload_too_large',
      ],
      [
        'form body',
        postWebhook(ch.ingestUrl, 'a=1', {
          secret: SECRET,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        'unsupported_media_type',
      ],
      [
        'text/plain',
        postWebhook(ch.ingestUrl, PING, { secret: SECRET, headers: { 'content-type': 'text/plain' } }),
        415,
        'unsupported_media_type',
      ],
      [
        'gzip',
        postWebhook(ch.ingestUrl, PING, { secret: SECRET, headers: { 'content-encoding': 'gzip' } }),
        415,
        'unsupported_media_type',
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      expect([name, res.status]).toEqual([name, status]);
      expect([name, await errorCode(res)]).toEqual([name, code]);
    }
    expect(await lastSeq(url, ch.id, ch.token)).toBe(0);
    // And the channel still works afterwards: one bad request never breaks the relay.
    expect((await postWebhook(ch.ingestUrl, PING, { secret: SECRET })).status).toBe(200);
    // 64 levels are still a webhook.
    const deepest = JSON.stringify({ a: JSON.parse('['.repeat(63) + ']'.repeat(63)) });
    expect((await postWebhook(ch.ingestUrl, deepest, { secret: SECRET })).status).toBe(200);
  });

  it('refuses every webhook while no secret is set (409, nothing stored), and accepts +json types with charset', async () => {
    const { url } = await relay();
    const fresh = await createChannel(url);
    const early = await postWebhook(fresh.ingestUrl, '{"a":1}');
    expect(early.status).toBe(409);
    expect(await errorCode(early)).toBe('channel_not_ready');
    expect(await lastSeq(url, fresh.id, fresh.token)).toBe(0);
    const ch = await createReadyChannel(url);
    expect(
      (
        await postWebhook(ch.ingestUrl, '{"a":1}', {
          secret: TEST_SECRET,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await postWebhook(ch.ingestUrl, '{"a":1}', {
          secret: TEST_SECRET,
          headers: { 'content-type': 'application/vnd.cal+json' },
        })
      ).status,
    ).toBe(200);
  });

  it('rate limits per channel (429, nothing stored) without affecting other channels', async () => {
    const { url } = await relay({ RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '3' });
    const a = await createReadyChannel(url);
    const b = await createReadyChannel(url);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await postWebhook(a.ingestUrl, '{}', { secret: TEST_SECRET })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await postWebhook(a.ingestUrl, '{}', { secret: TEST_SECRET });
    expect(await errorCode(limited)).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).not.toBeNull();
    expect((await postWebhook(b.ingestUrl, '{}', { secret: TEST_SECRET })).status).toBe(200);
    expect(await lastSeq(url, a.id, a.token)).toBe(3);
  });

  it('rate limits per IP across channels', async () => {
    const { url } = await relay({ RELAY_RATE_LIMIT_IP_PER_MIN: '2' });
    const a = await createReadyChannel(url);
    const b = await createReadyChannel(url);
    expect((await postWebhook(a.ingestUrl, '{}', { secret: TEST_SECRET })).status).toBe(200);
    expect((await postWebhook(b.ingestUrl, '{}', { secret: TEST_SECRET })).status).toBe(200);
    expect((await postWebhook(b.ingestUrl, '{}', { secret: TEST_SECRET })).status).toBe(429);
    expect(await lastSeq(url, b.id, b.token)).toBe(1);
  });

  it('keys the per-IP limit on X-Forwarded-For only when the proxy is trusted', async () => {
    const trusted = await relay({ RELAY_RATE_LIMIT_IP_PER_MIN: '1', RELAY_TRUST_PROXY: 'loopback' });
    const a = await createReadyChannel(trusted.url);
    const from = (ip: string) =>
      postWebhook(a.ingestUrl, '{}', { secret: TEST_SECRET, headers: { 'x-forwarded-for': ip } });
    expect((await from('203.0.113.1')).status).toBe(200);
    expect((await from('203.0.113.1')).status).toBe(429);
    expect((await from('203.0.113.2')).status).toBe(200);
    const untrusted = await relay({ RELAY_RATE_LIMIT_IP_PER_MIN: '1' });
    const b = await createReadyChannel(untrusted.url);
    expect(
      (await postWebhook(b.ingestUrl, '{}', { secret: TEST_SECRET, headers: { 'x-forwarded-for': '203.0.113.1' } }))
        .status,
    ).toBe(200);
    expect(
      (await postWebhook(b.ingestUrl, '{}', { secret: TEST_SECRET, headers: { 'x-forwarded-for': '203.0.113.2' } }))
        .status,
    ).toBe(429);
  });

  it('does not redirect, even with a trailing slash', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    const res = await fetch(`${ch.ingestUrl}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cal-signature-256': calSignature(TEST_SECRET, Buffer.from('{}')),
      },
      body: '{}',
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
  });

  it('finishes in-flight commits on graceful stop: every 2xx survives a restart', async () => {
    const dir = relays.dir();
    const first = await startRelay(testConfig(dir));
    const ch = await createReadyChannel(first.url);
    const posts = Array.from({ length: 60 }, (_, i) =>
      postWebhook(ch.ingestUrl, `{"i":${i}}`, { secret: TEST_SECRET }).then(
        (res) => (res.status === 200 ? i : -1),
        () => -1,
      ),
    );
    await new Promise((r) => setTimeout(r, 5));
    await first.relay.stop();
    const ok = (await Promise.all(posts)).filter((i) => i >= 0);
    const second = await relay({}, dir);
    const res = await fetch(`${second.url}/api/channels/${ch.id}/events?limit=1000`, {
      headers: { authorization: `Bearer ${ch.token}` },
    });
    const stored = pullResponseSchema
      .parse(await res.json())
      .events.map((e) => (JSON.parse(Buffer.from(e.bodyBase64, 'base64').toString()) as { i: number }).i);
    for (const i of ok) expect(stored).toContain(i);
    expect(new Set(stored).size).toBe(stored.length);
  });

  it('commits concurrent webhooks with unique consecutive sequences, each before its 2xx', async () => {
    const { url, relay: r } = await relay();
    const ch = await createReadyChannel(url);
    const stored: number[] = [];
    r.onEventStored((id, e) => id === ch.id && stored.push(e.seq));
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => postWebhook(ch.ingestUrl, `{"i":${i}}`, { secret: TEST_SECRET })),
    );
    const seqs = await Promise.all(responses.map(async (res) => ((await res.json()) as { seq: number }).seq));
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(stored.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await lastSeq(url, ch.id, ch.token)).toBe(100);
  });
});
