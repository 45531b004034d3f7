import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { channelLabel } from './crypto';
import { openRelayStorage } from './store/open-relay-storage';
import type { OpenRelayStorage } from './store/relay-storage';
import {
  createChannel,
  createReadyChannel,
  TEST_METRICS_TOKEN,
  TEST_SECRET,
  postWebhook,
  readSse,
  setSecret,
  startRelay,
  tempDir,
  testConfig,
  type TestRelay,
} from '../../tests/support/relay/relay-test-kit';

const cleanups: Array<() => Promise<void> | void> = [];
async function waitUntil(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function relay(env: Record<string, string> = {}): Promise<TestRelay> {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await startRelay(testConfig(dir, env));
  cleanups.push(() => r.relay.stop());
  return r;
}

describe('OAuth bounce page', () => {
  it('hands code and state to the app scheme, escaped, with a button and strict headers', async () => {
    const { url } = await relay();
    const state = 'st"><script>alert(1)</script>&x=1';
    const res = await fetch(`${url}/oauth/calcom/callback?code=abc123&state=${encodeURIComponent(state)}&extra=nope`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    const href = /<a id="open" class="button" href="([^"]*)">Open LifeScore Consultant<\/a>/.exec(html)?.[1];
    const target = new URL(href!.replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))));
    expect(target.protocol).toBe('lifescore:');
    expect(target.host + target.pathname).toBe('calcom/callback');
    expect(Object.fromEntries(target.searchParams)).toEqual({ code: 'abc123', state });
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(html).toContain(`<script nonce="${nonce}">`);
  });

  it('passes an OAuth error on, uses RELAY_APP_SCHEME, and answers 400 without code or error', async () => {
    const { url } = await relay({ RELAY_APP_SCHEME: 'lifescore-dev' });
    const denied = await (await fetch(`${url}/oauth/calcom/callback?error=access_denied&state=s1`)).text();
    expect(denied).toContain('href="lifescore-dev://calcom/callback?state=s1&#38;error=access_denied"');
    expect((await fetch(`${url}/oauth/calcom/callback?state=s1`)).status).toBe(400);
  });
});

describe('storage outages', () => {
  it('answers 503 on health and ingest, counts storage errors, and never a non-200 to a subscriber', async () => {
    let failing = false;
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    // The real bundle, with an event log that fails on demand (the outbox, profiles and trust stay healthy).
    const flaky: OpenRelayStorage = async (config, hooks) => {
      const real = await openRelayStorage(config, hooks);
      const events = new Proxy(real.events, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== 'function' || prop === 'close') return v;
          return (...args: unknown[]) =>
            failing ? Promise.reject(new Error('disk gone')) : (v as (...a: unknown[]) => unknown).apply(target, args);
        },
      });
      return { ...real, events };
    };
    const { url, relay: r } = await startRelay(testConfig(dir), { openStorage: flaky });
    cleanups.push(() => r.stop());
    const ch = await createReadyChannel(url);
    failing = true;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    const ingest = await postWebhook(ch.ingestUrl, '{}', { secret: TEST_SECRET });
    expect(ingest.status).toBe(503);
    expect(((await ingest.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
    const sse = await readSse(ch.streamUrl, { authorization: `Bearer ${ch.token}` }, 'never-appears', 3000);
    expect(sse.status).toBe(200);
    expect(sse.text).toMatch(/^retry: \d+\n\n$/);
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    ).text();
    expect(Number(/relay_storage_errors_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    failing = false;
    expect((await postWebhook(ch.ingestUrl, '{}', { secret: TEST_SECRET })).status).toBe(200);
  });
});

describe('operations', () => {
  it('reports health when storage answers', async () => {
    const { url } = await relay();
    const ok = await fetch(`${url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
  });

  it('closes channels never set up (no secret, no event) a day after their creation, and no other', async () => {
    let clock = Date.now();
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const {
      url,
      relay: r,
      logs,
    } = await startRelay(testConfig(dir, { RELAY_PRUNE_INTERVAL_MS: '1000' }), {
      now: () => clock,
    });
    cleanups.push(() => r.stop());
    const unused = await createChannel(url);
    const ready = await createReadyChannel(url);
    const status = (ch: { id: string; token: string }) =>
      fetch(`${url}/api/channels/${ch.id}`, { headers: { authorization: `Bearer ${ch.token}` } }).then(
        (res) => res.status,
      );
    clock += 23 * 3_600_000;
    await new Promise((res) => setTimeout(res, 1500));
    expect(await status(unused)).toBe(200);
    clock += 2 * 3_600_000;
    await waitUntil(async () => (await status(unused)) === 401, 5000);
    expect(await status(ready)).toBe(200);
    expect(logs()).toContain('retention closed channels never set up');
  });

  it('prunes in the background: acked events after the short window, unacked after the long one', async () => {
    let clock = Date.now();
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const { url, relay: r } = await startRelay(testConfig(dir, { RELAY_PRUNE_INTERVAL_MS: '1000' }), {
      now: () => clock,
    });
    cleanups.push(() => r.stop());
    const ch = await createReadyChannel(url);
    for (let i = 0; i < 3; i++) await postWebhook(ch.ingestUrl, '{}', { secret: TEST_SECRET });
    const auth = { authorization: `Bearer ${ch.token}` };
    await fetch(`${url}/api/channels/${ch.id}/ack`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"upTo":2}',
    });
    const oldest = async () =>
      ((await (await fetch(`${url}/api/channels/${ch.id}/events`, { headers: auth })).json()) as { oldestSeq: number })
        .oldestSeq;
    clock += 4 * 86_400_000; // past the 3-day acked window, inside the 30-day one
    await waitUntil(async () => (await oldest()) === 3, 5000);
    clock += 27 * 86_400_000;
    await waitUntil(async () => (await oldest()) === 0, 5000);
  });

  it('exposes Prometheus metrics with hashed channel labels', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    await postWebhook(ch.ingestUrl, '{}', { secret: TEST_SECRET });
    await postWebhook(ch.ingestUrl, '{', { secret: TEST_SECRET });
    const sse = readSse(ch.streamUrl, { authorization: `Bearer ${ch.token}` }, 'id: 1');
    await sse;
    const text = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    ).text();
    expect(text).toMatch(/relay_ingest_total\{outcome="stored"\} 1/);
    expect(text).toMatch(/relay_ingest_total\{outcome="invalid_json"\} 1/);
    // +Inf: a loaded CI machine may take longer than any finite bucket; the histogram and its label are what count.
    expect(text).toMatch(/relay_ingest_duration_seconds_bucket\{le="\+Inf",outcome="stored"\} 1/);
    expect(text).toContain('relay_open_streams');
    expect(text).toContain('relay_storage_errors_total 0');
    expect(text).toContain(`relay_channel_backlog{channel="${channelLabel(ch.id)}"} 1`);
    expect(text).not.toContain(ch.id);
  });

  it('gives a backlog series only to the 100 channels furthest behind, never to empty ones, and totals for all', async () => {
    const { url } = await relay({ RELAY_RATE_LIMIT_CHANNEL_CREATE_PER_HOUR: '1000' });
    const empty = await createReadyChannel(url);
    const busy = [];
    for (let i = 0; i < 102; i++) {
      const ch = await createReadyChannel(url);
      for (let n = 0; n < (i === 0 ? 3 : 1); n++)
        expect((await postWebhook(ch.ingestUrl, '{}', { secret: TEST_SECRET })).status).toBe(200);
      busy.push(ch);
    }
    const text = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    ).text();
    expect(text.match(/^relay_channel_backlog\{/gm)).toHaveLength(100);
    expect(text).toContain(`relay_channel_backlog{channel="${channelLabel(busy[0]!.id)}"} 3`);
    expect(text).not.toContain(`channel="${channelLabel(empty.id)}"`);
    expect(text).toMatch(/^relay_channels_behind 102$/m);
    expect(text).toMatch(/^relay_backlog_events 104$/m);
  });

  it('logs structured requests with ids, and never tokens, secrets, signatures or OAuth codes', async () => {
    const { url, logs } = await relay();
    const ch = await createReadyChannel(url);
    const secret = 'very-secret-webhook-key-42';
    await setSecret(url, ch, secret);
    const res = await postWebhook(ch.ingestUrl, '{"a":1}', { secret, headers: { 'x-request-id': 'req-abc-1' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc-1');
    await fetch(`${url}/api/channels/${ch.id}/events`, { headers: { authorization: `Bearer ${ch.token}` } });
    await fetch(`${url}/oauth/calcom/callback?code=oauth-code-xyz&state=state-xyz`);
    await new Promise((r) => setTimeout(r, 100));
    const text = logs();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => (l.req as { id?: string } | undefined)?.id === 'req-abc-1')).toBe(true);
    for (const needle of [ch.token, secret, 'oauth-code-xyz', 'state-xyz', 'Bearer'])
      expect(text).not.toContain(needle);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });
});
