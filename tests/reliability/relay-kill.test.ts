import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type { SyncBookingStore } from '../../main/core/bookings/booking-store';
import { openBookingStore } from '../../main/core/bookings/booking-store';
import { createChannel } from '../../main/core/sync/relay-harness';
import type { SyncEngine } from '../../main/core/sync/sync-types';
import type { Child } from './child-process';
import { startRelayProcess } from './child-process';
import { recordingEngine } from './sync-fixture';
import { burst, relayUidCounts, uidsOf } from './webhook-traffic';

/** Issue 11, fault 1: the relay process is SIGKILLed in the middle of a webhook burst and restarted on its data. */

const SECRET = 'cal-webhook-secret-for-kill-test-01';
let dir: string;
let relays: Child[] = [];
let engine: SyncEngine | undefined;
let store: SyncBookingStore | undefined;

afterEach(async () => {
  await engine?.stop();
  store?.close();
  for (const r of relays) await r.kill('SIGKILL');
  relays = [];
  rmSync(dir, { recursive: true, force: true });
});

it('every webhook that got a 2xx survives SIGKILL: stored once, streamed, applied once', async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-kill-'));
  const relayDir = join(dir, 'relay');
  const first = await startRelayProcess(relayDir);
  relays.push(first.child);
  const url = first.url;
  const channel = await createChannel(url, SECRET);

  store = openBookingStore(join(dir, 'bookings.sqlite'));
  const rec = recordingEngine(store, url, channel, SECRET);
  engine = rec.engine;
  await engine.start();
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('live'), { timeout: 10_000 });

  // 400 webhooks, 16 in flight; the relay is killed (no shutdown hook runs) once 120 have been acknowledged.
  let killed: Promise<void> | undefined;
  const during = await burst(channel.ingestUrl, SECRET, uidsOf('k', 400), 16, (n) => {
    if (n === 120) killed ??= first.child.kill('SIGKILL');
  });
  await killed;
  expect(during.accepted.length).toBeGreaterThanOrEqual(120);
  expect(during.failed.length).toBeGreaterThan(0); // the kill really cut the burst

  // While it is down the app stays up and says so.
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('offline'), { timeout: 10_000 });

  const second = await startRelayProcess(relayDir, Number(new URL(url).port));
  relays.push(second.child);
  const after = await burst(channel.ingestUrl, SECRET, uidsOf('after', 50), 8);
  expect(after.failed).toEqual([]);

  const accepted = [...during.accepted, ...after.accepted];
  const log = await relayUidCounts(url, channel);
  // Stored once: every acknowledged uid exactly once; nothing at all twice (an unacknowledged one may be 0 or 1).
  for (const uid of accepted) expect(log.counts.get(uid), uid).toBe(1);
  expect([...log.counts.values()].filter((n) => n > 1)).toEqual([]);
  // Sequences are contiguous: a crash never leaves a hole the app would wait on forever.
  expect(log.seqs).toEqual(Array.from({ length: log.seqs.length }, (_, i) => i + 1));

  // Streamed and applied once, by the real engine that lived through the outage.
  await vi.waitFor(() => expect(store?.relayCursor(channel.id)).toBe(log.lastSeq), { timeout: 20_000 });
  for (const uid of log.counts.keys()) expect(store.get(uid), uid).not.toBeNull();
  expect(store.list({ limit: 1 }).total).toBe(log.counts.size);
  expect([...rec.changed.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect(rec.changed.size).toBe(log.counts.size);
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('live'), { timeout: 10_000 });
  console.info(
    `[relay-kill] acknowledged before kill ${during.accepted.length}, refused/cut ${during.failed.length}, ` +
      `stored though unacknowledged ${log.counts.size - accepted.length}, after restart ${after.accepted.length}, applied ${rec.changed.size}`,
  );
}, 60_000);
