import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { RELAY_SEQ_HEADER } from '../../../common/relay';
import type { SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import { envelope, payload } from '../../../tests/support/app/booking-fixtures';
import { createIntake } from './event-intake';
import type { HttpFront } from '../../../tests/support/app/http-front-stub';
import { startFront } from '../../../tests/support/app/http-front-stub';
import type { Receiver } from './receiver';
import { startReceiver } from './receiver';
import type { TestRelay } from '../../../tests/support/app/relay-harness';
import { createChannel, ingest, startTestRelay } from '../../../tests/support/app/relay-harness';
import { channelEventsOf, createRelayClient } from '../relay-client/relay-client';
import type { Supervisor } from './stream-supervisor';
import { createSupervisor } from './stream-supervisor';

/** The pieces wired by hand, so a fault can sit between smee-client and the receiver. Real relay and smee-client. */

const SECRET = 'cal-webhook-secret-for-tests-0002';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const clock = { now: () => Date.now() };

let dir: string;
let relay: TestRelay;
let store: SyncBookingStore;
let receiver: Receiver;
let front: HttpFront;
let supervisor: Supervisor;
let stopIntake: () => Promise<void>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sup-int-'));
  relay = await startTestRelay(join(dir, 'relay'));
  store = openBookingStore(join(dir, 'bookings.sqlite'));
});

afterEach(async () => {
  await supervisor.stop();
  await front.close();
  await receiver.close();
  await stopIntake();
  await relay.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

it.each([
  ['in the middle', '2'],
  ['last, with nothing after it', '3'],
])('a forward that fails once (%s) is filled from the pull endpoint', async (_name, lostSeq) => {
  const channel = await createChannel(relay.url, SECRET);
  const api = channelEventsOf(createRelayClient({ relayUrl: relay.url, fetch }), {
    channelId: channel.id,
    token: channel.token,
  });
  const intake = createIntake({
    random: Math.random,
    store,
    channelId: channel.id,
    api,
    webhookSecret: async () => SECRET,
    logger: quiet,
    clock,
    onChange: () => undefined,
    onActivity: () => undefined,
    gapDelayMs: 100,
    ackDelayMs: 50,
    pageSize: 100,
  });
  stopIntake = () => intake.stop();
  receiver = await startReceiver({ channelId: channel.id, accept: intake.acceptForwarded, logger: quiet });
  let dropped = 0;
  // smee-client never retries a failed forward: seq 2's only delivery attempt dies here.
  front = await startFront(receiver.url, (req) =>
    req.headers[RELAY_SEQ_HEADER] === lostSeq && dropped++ === 0 ? { status: 502 } : 'pass',
  );
  supervisor = createSupervisor({
    random: Math.random,
    streamUrl: channel.streamUrl,
    token: channel.token,
    targetUrl: `${front.url}/`,
    cursor: () => store.relayCursor(channel.id),
    catchUp: intake.catchUp,
    onStreamSeq: intake.noteStreamSeq,
    onStatus: () => undefined,
    onReconnected: () => undefined,
    logger: quiet,
    clock,
    silenceBudgetMs: 2_000,
    backoff: { baseMs: 50, maxMs: 400 },
  });
  supervisor.start();
  await vi.waitFor(() => expect(supervisor.builds).toBe(1), { timeout: 5_000 });
  await new Promise((r) => setTimeout(r, 200));
  for (const uid of ['f1', 'f2', 'f3']) {
    expect(
      await ingest(
        channel.ingestUrl,
        JSON.stringify(envelope('BOOKING_CREATED', '2026-02-10T14:00:00.000Z', payload(uid))),
        SECRET,
      ),
    ).toBe(200);
  }
  await vi.waitFor(() => expect(store.relayCursor(channel.id)).toBe(3), { timeout: 10_000 });
  expect(dropped).toBe(1);
  expect(['f1', 'f2', 'f3'].every((u) => store.get(u) !== null)).toBe(true);
  expect(front.seen.filter((s) => s.headers[RELAY_SEQ_HEADER] === lostSeq)).toHaveLength(1); // filled by the pull, not a re-forward
  expect(supervisor.builds).toBe(1);
});
