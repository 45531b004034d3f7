import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { CreateChannelResponse } from '../../common/relay';
import { envelope, payload } from '../support/app/booking-fixtures';
import { createChannel, ingest } from '../support/app/relay-harness';
import type Database from 'better-sqlite3';
import { openSqliteStorage } from '../../server/relay/store/sqlite/sqlite-storage';
import type { TestRelay } from '../support/relay/relay-test-kit';
import { startRelay, testConfig } from '../support/relay/relay-test-kit';
import { relayUidCounts } from './webhook-traffic';

/**
 * Issue 11, fault 4: the relay's database disk fills up. Simulated for real inside SQLite: `PRAGMA max_page_count`
 * caps the file, so commits fail with SQLITE_FULL exactly where a full disk would make them fail.
 */

const SECRET = 'cal-webhook-secret-for-disk-full-01';
let dir: string;
let relay: TestRelay | undefined;

afterEach(async () => {
  await relay?.relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A ~6 KB booking body (random notes, so SQLite cannot compress pages away). */
const bigBody = (uid: string) =>
  JSON.stringify(
    envelope(
      'BOOKING_CREATED',
      '2026-02-10T14:00:00.000Z',
      payload(uid, { description: randomBytes(3000).toString('hex') }),
    ),
  );

async function post(channel: CreateChannelResponse, uid: string): Promise<number> {
  return ingest(channel.ingestUrl, bigBody(uid), SECRET);
}

it('answers 503 once the database is full, never a 2xx for an event it did not store, and recovers when space returns', async () => {
  dir = mkdtempSync(join(tmpdir(), 'disk-full-'));
  let database: Database.Database | undefined;
  relay = await startRelay(
    testConfig(dir, {
      RELAY_LOG_LEVEL: 'silent',
      RELAY_RATE_LIMIT_IP_PER_MIN: '1000000',
      RELAY_RATE_LIMIT_CHANNEL_PER_MIN: '1000000',
    }),
    {
      openStorage: (c, hooks) => {
        const storage = openSqliteStorage(c.kind === 'sqlite' ? c.file : join(dir, 'relay.sqlite'), hooks);
        database = storage.database;
        return Promise.resolve(storage);
      },
    },
  );
  const channel = await createChannel(relay.url, SECRET);
  const db = database!;
  const pages = db.pragma('page_count', { simple: true }) as number;
  // Room for a handful of events, then the "disk" is full.
  db.pragma(`max_page_count = ${pages + 12}`);

  const statuses = new Map<string, number>();
  for (let wave = 0; wave < 6; wave++) {
    const uids = Array.from({ length: 10 }, (_, i) => `full${wave}-${i}`);
    const got = await Promise.all(uids.map((u) => post(channel, u)));
    uids.forEach((u, i) => statuses.set(u, got[i] as number));
  }
  const ok = [...statuses].filter(([, s]) => s === 200).map(([u]) => u);
  const unavailable = [...statuses].filter(([, s]) => s === 503).map(([u]) => u);
  expect(ok.length).toBeGreaterThan(0);
  expect(unavailable.length).toBeGreaterThan(0);
  expect(ok.length + unavailable.length).toBe(statuses.size); // only 200 or 503, nothing else

  db.pragma('max_page_count = 1073741823');
  const log = await relayUidCounts(relay.url, channel);
  expect(new Set(log.counts.keys())).toEqual(new Set(ok)); // stored ⇔ acknowledged
  expect([...log.counts.values()].every((n) => n === 1)).toBe(true);
  expect(log.seqs).toEqual(Array.from({ length: log.seqs.length }, (_, i) => i + 1)); // failed batches burn no sequence

  // Space is back: the relay never went down, and the next webhook is stored with the next sequence.
  expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  expect(await post(channel, 'after-full')).toBe(200);
  const after = await relayUidCounts(relay.url, channel);
  expect(after.counts.get('after-full')).toBe(1);
  expect(after.lastSeq).toBe(ok.length + 1);
  console.info(
    `[disk-full] 60 webhooks: ${ok.length} stored with 200, ${unavailable.length} refused with 503, 0 other; recovered`,
  );
});
