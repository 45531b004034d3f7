import { describe, expect, it } from 'vitest';
import {
  createReadyChannel,
  metricValue,
  postWebhook,
  relaysPerTest,
  TEST_SECRET,
  testConfig,
} from '../../tests/support/relay/relay-test-kit';

/**
 * What one channel and one client may store per day, and the free-disk floor: request rate limits alone let one client
 * fill the disk with signed 1 MiB bodies kept 30 days. Clients are told apart by X-Forwarded-For from a trusted
 * loopback proxy, as behind Caddy.
 */

const relays = relaysPerTest((dir, env) => testConfig(dir, { RELAY_TRUST_PROXY: 'loopback', ...env }));
const relay = relays.start;
const bodyOf = (bytes: number) => `{"pad":"${'x'.repeat(bytes - 10)}"}`;
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('daily webhook bytes', () => {
  it('are capped per channel: 429 quota_exceeded with the wait, other channels unaffected', async () => {
    const { url } = await relay({ RELAY_BODY_LIMIT: '4kb', RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY: '8kb' });
    const [a, b] = [await createReadyChannel(url), await createReadyChannel(url)];
    const post = (ch: typeof a) => postWebhook(ch.ingestUrl, bodyOf(4000), { secret: TEST_SECRET });
    expect((await post(a)).status).toBe(200);
    expect((await post(a)).status).toBe(200);
    const over = await post(a);
    expect(over.status).toBe(429);
    expect(await code(over)).toBe('quota_exceeded');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(80_000); // the rest of the day
    expect((await post(b)).status).toBe(200);
    expect(await metricValue(url, 'relay_ingest_total{outcome="quota"}')).toBe(1);
  });

  it('are capped per client address, and what was refused counts against neither quota', async () => {
    const { url } = await relay({
      RELAY_BODY_LIMIT: '4kb',
      RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY: '12kb',
      RELAY_INGEST_BYTES_PER_IP_PER_DAY: '8kb',
    });
    const [a, b] = [await createReadyChannel(url), await createReadyChannel(url)];
    const post = (ch: typeof a, client: string) =>
      postWebhook(ch.ingestUrl, bodyOf(4000), { secret: TEST_SECRET, headers: { 'x-forwarded-for': client } });
    expect((await post(a, '203.0.113.1')).status).toBe(200);
    expect((await post(b, '203.0.113.1')).status).toBe(200);
    expect((await post(a, '203.0.113.1')).status).toBe(429); // the address's 8 KB are used
    // Channel a has 4 KB of its 12 KB used: the refused post above gave its bytes back, so two more fit.
    expect((await post(a, '203.0.113.2')).status).toBe(200);
    expect((await post(a, '203.0.113.3')).status).toBe(200);
    expect((await post(a, '203.0.113.4')).status).toBe(429);
  });

  it('count only signed bodies: an unsigned flood cannot use up a channel', async () => {
    const { url } = await relay({ RELAY_BODY_LIMIT: '4kb', RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY: '8kb' });
    const ch = await createReadyChannel(url);
    for (let i = 0; i < 5; i++) expect((await postWebhook(ch.ingestUrl, bodyOf(4000))).status).toBe(401);
    expect((await postWebhook(ch.ingestUrl, bodyOf(4000), { secret: TEST_SECRET })).status).toBe(200);
  });
});

describe('bytes a channel holds', () => {
  it('are capped across days and restarts: 507 channel_full, other channels unaffected, the day quota given back', async () => {
    const env = {
      RELAY_BODY_LIMIT: '4kb',
      RELAY_MAX_CHANNEL_BYTES: '8kb',
      RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY: '1mb',
      RELAY_INGEST_BYTES_PER_IP_PER_DAY: '16kb',
    };
    const dataDir = relays.dir();
    const first = await relay(env, dataDir);
    const [a, b] = [await createReadyChannel(first.url), await createReadyChannel(first.url)];
    const post = (url: string, ch: typeof a) =>
      postWebhook(ch.ingestUrl.replace(first.url, url), bodyOf(4000), { secret: TEST_SECRET });
    expect((await post(first.url, a)).status).toBe(200);
    expect((await post(first.url, a)).status).toBe(200); // ~4 KB held, under 8 KB: taken
    const full = await post(first.url, a);
    expect(full.status).toBe(507);
    expect(await code(full)).toBe('channel_full');
    expect(await metricValue(first.url, 'relay_ingest_total{outcome="channel_full"}')).toBe(1);
    // The refused body went back to the address's 16 KB for the day: two more to another channel fit.
    expect((await post(first.url, b)).status).toBe(200);
    expect((await post(first.url, b)).status).toBe(200);
    await first.relay.stop();

    // The count is stored with the channel: a new process (fresh daily quotas) still refuses it.
    const second = await relay(env, dataDir);
    expect((await post(second.url, a)).status).toBe(507);
  });
});

describe('free disk floor', () => {
  it('refuses webhooks with 507 while the data folder has less free space than RELAY_MIN_FREE_DISK', async () => {
    const { url, logs } = await relay({ RELAY_MIN_FREE_DISK: '100000gb' });
    const ch = await createReadyChannel(url);
    const res = await postWebhook(ch.ingestUrl, '{"a":1}', { secret: TEST_SECRET });
    expect(res.status).toBe(507);
    expect(await code(res)).toBe('insufficient_storage');
    expect(logs()).toContain('disk space low');
    // Everything else still answers: subscribers read what is stored, operators free space.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('lets webhooks in above it', async () => {
    const { url } = await relay({ RELAY_MIN_FREE_DISK: '1mb' });
    const ch = await createReadyChannel(url);
    expect((await postWebhook(ch.ingestUrl, '{"a":1}', { secret: TEST_SECRET })).status).toBe(200);
  });
});
