import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import type { SyncBookingStore } from '../../main/core/bookings/booking-store';
import { openBookingStore } from '../../main/core/bookings/booking-store';
import { createChannel } from '../support/app/relay-harness';
import type { SyncEngine } from '../../main/core/sync/sync-types';
import type { Child } from './child-process';
import { startRelayProcess } from './child-process';
import { accessTokenFor, newDeviceId, presentIdentity, startTestSandbox } from '../support/relay/verified-channel';
import { recordingEngine } from './sync-fixture';
import { burst, relayUidCounts, uidsOf } from './webhook-traffic';

/** Issue 11, fault 1: the relay process is SIGKILLed in the middle of a webhook burst and restarted on its data. */

const SECRET = 'cal-webhook-secret-for-kill-test-01';
let dir: string;
let relays: Child[] = [];
let engine: SyncEngine | undefined;
let store: SyncBookingStore | undefined;
let sandbox: Awaited<ReturnType<typeof startTestSandbox>> | undefined;

afterEach(async () => {
  await engine?.stop();
  store?.close();
  for (const r of relays) await r.kill('SIGKILL');
  relays = [];
  await sandbox?.sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('every webhook that got a 2xx survives SIGKILL: stored once, streamed, applied once, emailed', async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-kill-'));
  const relayDir = join(dir, 'relay');
  // Email goes out only for a verified, approved consultant (DESIGN §4a): the relay checks the token with the sandbox
  // (approval is automatic in development); the daily cap is lifted for a 350-booking burst.
  sandbox = await startTestSandbox();
  const relayEnv = { RELAY_CALCOM_API_URL: sandbox.url, RELAY_MAIL_DAILY_CAP: '1000000' };
  const first = await startRelayProcess(relayDir, 0, relayEnv);
  relays.push(first.child);
  const url = first.url;
  const channel = await createChannel(url, SECRET);
  const verified = await presentIdentity(url, channel, {
    accessToken: await accessTokenFor(sandbox.url),
    deviceId: newDeviceId(),
  });
  expect(verified.status).toBe(200);

  store = openBookingStore(join(dir, 'bookings.sqlite'));
  const rec = recordingEngine(store, url, channel, SECRET);
  engine = rec.engine;
  await engine.start();
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('live'), { timeout: 10_000 });

  // 300 webhooks, 16 in flight; the relay is killed (no shutdown hook runs) once 100 have been acknowledged.
  let killed: Promise<void> | undefined;
  const during = await burst(channel.ingestUrl, SECRET, uidsOf('k', 300), 16, (n) => {
    if (n === 100) killed ??= first.child.kill('SIGKILL');
  });
  await killed;
  expect(during.accepted.length).toBeGreaterThanOrEqual(100);
  expect(during.failed.length).toBeGreaterThan(0); // the kill really cut the burst

  // While it is down the app stays up and says so.
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('offline'), { timeout: 10_000 });

  const second = await startRelayProcess(relayDir, Number(new URL(url).port), relayEnv);
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
  await vi.waitFor(() => expect(store?.relayCursor(channel.id)).toBe(log.lastSeq), { timeout: 60_000 });
  for (const uid of log.counts.keys()) expect(store.get(uid), uid).not.toBeNull();
  expect(store.list({ limit: 1 }).total).toBe(log.counts.size);
  expect([...rec.changed.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect(rec.changed.size).toBe(log.counts.size);
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('live'), { timeout: 10_000 });

  // Emailed: every stored booking has its two confirmations (consultant, client) in the durable outbox, none failed;
  // each is a .eml file already, or is leased as 'sending' by the killed process (re-sent when the lease expires).
  const outbox = join(relayDir, 'mail-outbox');
  const messageIds = () =>
    (existsSync(outbox) ? readdirSync(outbox) : []).map(
      (f) => /^Message-ID:\s*(\S+)/im.exec(readFileSync(join(outbox, f), 'utf8'))?.[1] ?? f,
    );
  const db = new Database(join(relayDir, 'relay.sqlite'), { readonly: true });
  const rows = () =>
    db.prepare('SELECT status, count(*) AS n FROM mail_job GROUP BY status').all() as Array<{
      status: string;
      n: number;
    }>;
  const n = (status: string) => rows().find((r) => r.status === status)?.n ?? 0;
  let mail: { sent: number; sending: number; files: number; resent: number };
  try {
    await vi.waitFor(
      () => {
        expect(n('sent') + n('sending') + n('pending') + n('failed')).toBe(2 * log.counts.size);
        expect(n('pending')).toBe(0);
        expect(new Set(messageIds()).size).toBeGreaterThanOrEqual(n('sent'));
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(n('failed')).toBe(0);
    const ids = messageIds();
    mail = { sent: n('sent'), sending: n('sending'), files: new Set(ids).size, resent: ids.length - new Set(ids).size };
  } finally {
    db.close();
  }
  // Only claimed batches (20 rows each) can be caught mid-send: the killed process's, and the live one's at that moment.
  expect(mail.sending).toBeLessThanOrEqual(40);
  console.info(
    `[relay-kill] acknowledged before kill ${during.accepted.length}, refused/cut ${during.failed.length}, ` +
      `stored though unacknowledged ${log.counts.size - accepted.length}, after restart ${after.accepted.length}, applied ${rec.changed.size}, ` +
      `emails ${mail.files} written, ${mail.sending} leased by the killed process (re-sent after the lease), ${mail.resent} written twice`,
  );
}, 150_000);
