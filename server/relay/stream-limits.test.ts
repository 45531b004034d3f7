import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { openRelayStorage } from './store/open-relay-storage';
import type { RelayOptions } from './relay';
import {
  createReadyChannel,
  metricValue,
  openStreamsReach,
  readSse,
  relaysPerTest,
  type TestRelay,
} from '../../tests/support/relay/relay-test-kit';

/** What one client may hold of GET /hooks/:channel: anyone can get a channel, so every limit here faces an attacker. */

const relays = relaysPerTest();
const relay = (env: Record<string, string>, options: RelayOptions = {}): Promise<TestRelay> =>
  relays.start(env, undefined, options);
const refusals = (url: string, reason: string) => metricValue(url, `relay_stream_refusals_total{reason="${reason}"}`);
/** A stream that stays open until the test ends. */
function hold(url: string, token: string): Promise<{ status: number; text: string }> {
  return readSse(url, { authorization: `Bearer ${token}` }, 'never-appears', 20_000);
}

describe('stream limits', () => {
  it('caps open streams per client address, answering the one over it 200 + retry, and frees the slot on close', async () => {
    const { url } = await relay({ RELAY_MAX_STREAMS_PER_IP: '3' });
    const channels = await Promise.all([1, 2, 3, 4].map(() => createReadyChannel(url)));
    const sockets = channels.slice(0, 3).map((ch) => {
      const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
      socket.write(
        `GET /hooks/${ch.id} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${ch.token}\r\n\r\n`,
      );
      return socket;
    });
    await openStreamsReach(url, 3);
    const fourth = channels[3]!;
    const over = await readSse(fourth.streamUrl, { authorization: `Bearer ${fourth.token}` }, 'never-appears', 3000);
    expect(over.status).toBe(200); // never a non-200: eventsource would stop for good
    expect(over.text).toMatch(/^retry: \d+\n\n$/);
    expect(await refusals(url, 'client_limit')).toBe(1);
    sockets[0]!.destroy();
    await openStreamsReach(url, 2);
    const again = await readSse(fourth.streamUrl, { authorization: `Bearer ${fourth.token}` }, 'event: ready', 3000);
    expect(again.text).toContain('event: ready');
    for (const s of sockets) s.destroy();
  });

  it('keeps the newest streams of a channel over its limit and ends the oldest', async () => {
    const { url } = await relay({ RELAY_MAX_STREAMS_PER_CHANNEL: '2' });
    const ch = await createReadyChannel(url);
    const oldest = hold(ch.streamUrl, ch.token);
    await openStreamsReach(url, 1);
    void hold(ch.streamUrl, ch.token);
    await openStreamsReach(url, 2);
    void hold(ch.streamUrl, ch.token);
    // The oldest ends (its client reconnects, as after any end); the two newer stay.
    const ended = await oldest;
    expect(ended.status).toBe(200);
    expect(ended.text).toContain('event: ready');
    await openStreamsReach(url, 2);
    expect(await metricValue(url, 'relay_streams_replaced_total')).toBe(1);
  });

  it('limits stream requests per client address per minute before looking the channel up', async () => {
    const lookups = { count: 0 };
    const openStorage: RelayOptions['openStorage'] = async (config, hooks) => {
      const real = await openRelayStorage(config, hooks);
      const getChannel: typeof real.events.getChannel = (id) => {
        lookups.count++;
        return real.events.getChannel(id);
      };
      return { ...real, events: { ...real.events, getChannel } };
    };
    const { url } = await relay({ RELAY_RATE_LIMIT_STREAM_PER_MIN: '3' }, { openStorage });
    const ch = await createReadyChannel(url);
    const wrong = { authorization: 'Bearer not-the-token' };
    for (let i = 0; i < 3; i++) expect((await readSse(ch.streamUrl, wrong, 'x', 3000)).status).toBe(401);
    const before = lookups.count;
    const limited = await readSse(ch.streamUrl, { authorization: `Bearer ${ch.token}` }, 'never-appears', 3000);
    expect(limited.status).toBe(200);
    expect(limited.text).toMatch(/^retry: \d+\n\n$/);
    expect(lookups.count).toBe(before);
    expect(await refusals(url, 'rate_limited')).toBe(1);
  });

  it('gives no stream slot to a client gone while its channel was looked up', async () => {
    // A slow storage round trip (PostgreSQL under load): the client hangs up before the lookup answers.
    const openStorage: RelayOptions['openStorage'] = async (config, hooks) => {
      const real = await openRelayStorage(config, hooks);
      const getChannel: typeof real.events.getChannel = async (id) => {
        await new Promise((r) => setTimeout(r, 150));
        return real.events.getChannel(id);
      };
      return { ...real, events: { ...real.events, getChannel } };
    };
    const { url } = await relay({}, { openStorage });
    const ch = await createReadyChannel(url);
    for (let i = 0; i < 5; i++) {
      const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(
        `GET /hooks/${ch.id} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${ch.token}\r\n\r\n`,
      );
      await new Promise((r) => setTimeout(r, 30));
      socket.destroy();
    }
    await new Promise((r) => setTimeout(r, 400)); // every lookup has answered
    await openStreamsReach(url, 0);
    // The slots were never taken: a full set is still there for real subscribers.
    const live = await readSse(ch.streamUrl, { authorization: `Bearer ${ch.token}` }, 'event: ready', 3000);
    expect(live.text).toContain('event: ready');
  });
});
