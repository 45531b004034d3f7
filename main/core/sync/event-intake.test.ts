import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PulledEvent } from '../../../common/relay';
import type { BookingChange, SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import { envelope, payload, pingEnvelope } from '../../../tests/support/app/booking-fixtures';
import type { Intake } from './event-intake';
import { createIntake } from './event-intake';
import type { Receiver } from './receiver';
import { startReceiver } from './receiver';
import { channelEventsOf, createRelayClient } from '../relay-client/relay-client';
import type { RelayStub } from '../../../tests/support/app/relay-stub';
import { startRelayStub } from '../../../tests/support/app/relay-stub';
import { signCalBody } from './signature';

const CHANNEL = 'c'.repeat(22);
const SECRET = 'whsec-test-secret-0123456789';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
let store: SyncBookingStore;
let relay: RelayStub;
let intake: Intake;
let receiver: Receiver;
let changes: BookingChange[];
let activity: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'intake-'));
  store = openBookingStore(join(dir, 'b.sqlite'));
  relay = await startRelayStub(CHANNEL);
  changes = [];
  activity = [];
  intake = createIntake({
    random: Math.random,
    store,
    channelId: CHANNEL,
    api: channelEventsOf(createRelayClient({ relayUrl: relay.url, fetch }), { channelId: CHANNEL, token: relay.token }),
    webhookSecret: async () => SECRET,
    logger: quiet,
    clock: { now: () => Date.now() },
    onChange: (c) => changes.push(c),
    onActivity: (kind) => activity.push(kind),
    gapDelayMs: 50,
    ackDelayMs: 20,
    pageSize: 2,
  });
  receiver = await startReceiver({ channelId: CHANNEL, accept: intake.acceptForwarded, logger: quiet });
});

afterEach(async () => {
  await receiver.close();
  await intake.stop();
  await relay.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** POSTs like smee-client does: the parsed body re-serialized, the relay's safe headers as HTTP headers. */
function forward(
  event: PulledEvent,
  opts: { headers?: Record<string, string>; host?: string } = {},
): Promise<{ status: number; body: string }> {
  const raw = Buffer.from(event.bodyBase64, 'base64').toString('utf8');
  const body = JSON.stringify(JSON.parse(raw));
  const url = new URL(receiver.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        method: 'POST',
        path: '/',
        headers: {
          host: opts.host ?? url.host,
          'content-type': 'application/json',
          'x-cal-signature-256': event.headers['x-cal-signature-256'] ?? '',
          'x-relay-seq': String(event.seq),
          'x-relay-channel': CHANNEL,
          ...(JSON.stringify(JSON.parse(raw)) !== raw ? { 'x-relay-body-reencoded': 'true' } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const created = (uid: string) => JSON.stringify(envelope('BOOKING_CREATED', '2026-02-10T14:00:00.000Z', payload(uid)));

describe('receiver + intake', () => {
  it('applies a verified forward once, and acknowledges it', async () => {
    const e = relay.add(created('a'), SECRET);
    expect(await forward(e)).toMatchObject({ status: 200, body: '{"outcome":"applied"}' });
    expect(await forward(e)).toMatchObject({ status: 200, body: '{"outcome":"duplicate"}' });
    expect(store.get('a')?.status).toBe('completed'); // February 2026 has passed by the test clock
    expect(changes).toEqual([{ uids: ['a'], reason: 'created' }]);
    expect(relay.pulls).toBe(0);
    await vi.waitFor(() => expect(relay.acks).toEqual([1]));
  });

  it('trusts a forwarded sequence number only once it verified: a forged local POST never sends the gap filler after it (issue 22)', async () => {
    const real = relay.add(created('real'), SECRET);
    const forged = { ...real, seq: 999, headers: { ...real.headers, 'x-cal-signature-256': 'f'.repeat(64) } };
    expect((await forward(forged)).body).toBe('{"outcome":"unknown-seq"}');
    const pullsAfterForgery = relay.pulls;
    expect((await forward(real)).body).toBe('{"outcome":"applied"}');
    await new Promise((r) => setTimeout(r, 250)); // several gap-fill delays
    expect(relay.pulls).toBe(pullsAfterForgery);
  });

  it('verifies the raw bytes from the pull endpoint when the forwarded body was re-encoded', async () => {
    const pretty = JSON.stringify(JSON.parse(created('p')), null, 2);
    const e = relay.add(pretty, SECRET);
    expect((await forward(e)).body).toBe('{"outcome":"applied"}');
    expect(relay.pulls).toBe(1);
    expect(store.quarantined(CHANNEL)).toEqual([]);
    expect(store.get('p')).not.toBeNull();
  });

  it('quarantines a forged event (wrong secret): kept, counted, never applied', async () => {
    const e = relay.add(created('forged'), 'not-the-secret-at-all');
    expect((await forward(e)).body).toBe('{"outcome":"quarantined"}');
    expect(store.get('forged')).toBeNull();
    expect(store.quarantinedCount(CHANNEL)).toBe(1);
    expect(store.quarantined(CHANNEL)[0]).toMatchObject({ seq: 1, reason: 'signature does not verify' });
    expect(store.relayCursor(CHANNEL)).toBe(1);
    expect(activity).toEqual(['quarantined']);
  });

  it('quarantines a signed body that is not a webhook envelope, and takes unsupported triggers without quarantine', async () => {
    const bad = relay.add(
      JSON.stringify({ triggerEvent: 'BOOKING_CREATED', createdAt: 'x', payload: { uid: 'n' } }),
      SECRET,
    );
    const other = relay.add(JSON.stringify({ triggerEvent: 'MEETING_ENDED', createdAt: 'x', uid: 'm' }), SECRET);
    expect((await forward(bad)).body).toBe('{"outcome":"quarantined"}');
    expect((await forward(other)).body).toBe('{"outcome":"applied"}');
    expect(store.quarantined(CHANNEL)).toHaveLength(1);
    expect(store.quarantined(CHANNEL)[0]?.reason).toMatch(/^invalid envelope: payload\./);
  });

  it('fills a dropped forward from the pull endpoint and acks the contiguous cursor', async () => {
    const [e1, , e3] = [
      relay.add(created('g1'), SECRET),
      relay.add(created('g2'), SECRET),
      relay.add(created('g3'), SECRET),
    ];
    await forward(e3 as PulledEvent);
    await forward(e1 as PulledEvent);
    expect(store.relayCursor(CHANNEL)).toBe(1);
    await vi.waitFor(() => expect(store.relayCursor(CHANNEL)).toBe(3));
    expect(store.get('g2')).not.toBeNull();
    await vi.waitFor(() => expect(relay.acks.at(-1)).toBe(3));
  });

  it('defers when the raw body cannot be fetched, and the gap filler takes it later', async () => {
    const pretty = JSON.stringify(JSON.parse(created('d')), null, 1);
    const e = relay.add(pretty, SECRET);
    relay.failPulls(1, 503);
    expect(await forward(e)).toMatchObject({ status: 503 });
    await vi.waitFor(() => expect(store.get('d')).not.toBeNull());
  });

  it('ignores a forward whose sequence the relay does not have, leaving the slot free', async () => {
    const fake: PulledEvent = {
      seq: 9,
      receivedAt: '',
      contentType: 'application/json',
      headers: { 'x-cal-signature-256': signCalBody('x', created('z')) },
      bodyBase64: Buffer.from(created('z')).toString('base64'),
    };
    expect(await forward(fake)).toMatchObject({ status: 404 });
    expect(store.hasRelayEvent(CHANNEL, 9)).toBe(false);
  });

  it.each([
    ['a foreign Host', { host: 'evil.example:80' }, 403],
    ['another channel', { headers: { 'x-relay-channel': 'd'.repeat(22) } }, 403],
    ['no sequence', { headers: { 'x-relay-seq': 'x' } }, 400],
  ])('refuses %s', async (_name, opts, status) => {
    const e = relay.add(created('r'), SECRET);
    expect((await forward(e, opts)).status).toBe(status);
    expect(store.get('r')).toBeNull();
  });

  it('catches up in pages, skipping what the relay no longer retains, and notes pings', async () => {
    for (const uid of ['k1', 'k2', 'k3', 'k4', 'k5']) relay.add(created(uid), SECRET);
    relay.add(JSON.stringify(pingEnvelope('2026-02-10T14:00:00.000Z')), SECRET);
    relay.setOldest(3);
    await intake.catchUp();
    expect(store.relayCursor(CHANNEL)).toBe(6);
    expect(store.get('k2')).toBeNull();
    expect(store.get('k5')).not.toBeNull();
    expect(activity).toContain('ping');
    expect(relay.acks.at(-1)).toBe(6);
  });

  it('rewinds when the relay log restarted below the cursor, so new events are not taken for duplicates', async () => {
    for (const uid of ['w1', 'w2', 'w3']) relay.add(created(uid), SECRET);
    await intake.catchUp();
    expect(store.relayCursor(CHANNEL)).toBe(3);
    relay.wipe();
    const fresh = relay.add(created('after-wipe'), SECRET);
    expect(await forward(fresh)).toMatchObject({ body: '{"outcome":"duplicate"}' });
    await intake.catchUp();
    expect(store.get('after-wipe')).not.toBeNull();
    expect(store.relayCursor(CHANNEL)).toBe(1);
  });
});
