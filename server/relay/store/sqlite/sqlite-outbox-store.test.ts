import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './sqlite-migrations';
import { createSqliteProfileStore } from './sqlite-profile-store';
import { CLAIM_SQL, COUNTS_SQL, createSqliteOutboxStore } from './sqlite-outbox-store';
import type { NewOutboxItem } from '../../mail/outbox-store';

const job = (i: number): NewOutboxItem => ({
  key: `k${i}`,
  channelId: 'c',
  seq: i + 1,
  kind: 'created:attendee',
  to: { name: 'S', address: 's@example.net' },
  createdAt: i,
});

// Claiming, leases, retries and forgetting are the shared contract (store/outbox-store-contract.ts), run on SQLite by
// store/sqlite-module-stores.test.ts; this file keeps what is SQLite-only: living beside the relay's schema.
describe('SQLite outbox store', () => {
  it('lives beside the relay event log in one file without touching its schema version', () => {
    const db = new Database(':memory:');
    migrate(db);
    const version = db.pragma('user_version', { simple: true });
    createSqliteOutboxStore(db);
    createSqliteProfileStore(db);
    createSqliteOutboxStore(db); // idempotent
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    migrate(db); // and the relay still opens it
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'mail_job',
        'mail_schema_version',
        'profile_profiles',
        'profile_schema_version',
        'events',
        'channels',
      ]),
    );
  });

  it('refuses a newer schema than it knows', () => {
    const db = new Database(':memory:');
    createSqliteOutboxStore(db);
    db.exec('UPDATE mail_schema_version SET version = 99');
    expect(() => createSqliteOutboxStore(db)).toThrow(/newer than this relay/);
  });

  it('claims by walking one index in (due_at, id) order: no scan of the backlog, no sort (issue 18)', () => {
    const db = new Database(':memory:');
    const store = createSqliteOutboxStore(db);
    void store.enqueue(Array.from({ length: 2000 }, (_, i) => job(i)));
    db.exec('ANALYZE');
    const plan = db
      .prepare<[number, number], { detail: string }>(`EXPLAIN QUERY PLAN ${CLAIM_SQL}`)
      .all(1_000_000, 20)
      .map((r) => r.detail);
    expect(plan).toEqual([
      expect.stringMatching(/^SEARCH mail_job USING INDEX mail_job_due \((due_at>\? AND )?due_at<\?\)$/),
    ]);
    expect(plan.join()).not.toMatch(/TEMP B-TREE|SCAN/);
  });

  it('counts for /metrics without reading the done rows: waiting rows through their index, done ones from counters', async () => {
    const db = new Database(':memory:');
    const store = createSqliteOutboxStore(db);
    await store.enqueue(Array.from({ length: 2000 }, (_, i) => job(i)));
    const claimed = await store.claimDue(1_000_000, 1990, 100);
    await store.markSentAll(
      claimed.slice(0, 1900).map((r) => r.id),
      2000,
    );
    for (const r of claimed.slice(1900)) await store.markFailed(r.id, 2000, '550');
    db.exec('ANALYZE');
    const plan = db
      .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${COUNTS_SQL}`)
      .all()
      .map((r) => r.detail)
      .join('; ');
    expect(plan).toMatch(/mail_job USING (COVERING )?INDEX mail_job_due/);
    expect(plan).not.toMatch(/SCAN mail_job( |;|$)/);
    expect(await store.counts()).toEqual({ pending: 10, sent: 1900, failed: 90 });
    // What the counters hold is what a full count finds.
    expect(db.prepare("SELECT COUNT(*) AS n FROM mail_job WHERE status = 'sent'").get()).toEqual({ n: 1900 });
  });

  it('migrates rows queued before issue 18: pending ones keep their rendered message and are sent as is; done ones lose it', async () => {
    const db = new Database(':memory:');
    const message = {
      to: { name: 'Sam', address: 'sam@example.net' },
      subject: 'Confirmed',
      text: 't',
      html: '<p>h</p>',
    };
    db.exec(`CREATE TABLE mail_schema_version (version INTEGER NOT NULL) STRICT; INSERT INTO mail_schema_version VALUES (2);
      CREATE TABLE mail_outbox (id INTEGER PRIMARY KEY, dedupe_key TEXT NOT NULL UNIQUE, channel_id TEXT NOT NULL, kind TEXT NOT NULL,
        message TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
        lease_until INTEGER, last_error TEXT, created_at INTEGER NOT NULL, done_at INTEGER) STRICT;
      CREATE TABLE mail_cursor (channel_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) STRICT;
      CREATE TABLE mail_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT; INSERT INTO mail_meta VALUES ('installed_at', 1);`);
    const insert = db.prepare(
      'INSERT INTO mail_outbox (dedupe_key, channel_id, kind, message, status, attempts, next_attempt_at, lease_until, created_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run('old-pending', 'c', 'created:attendee', JSON.stringify(message), 'pending', 1, 500, null, 100, null);
    insert.run(
      'old-sending',
      'c',
      'created:organizer',
      JSON.stringify({ ...message, to: { name: 'Dana', address: 'dana@example.com' } }),
      'sending',
      0,
      100,
      9_999_999,
      100,
      null,
    );
    insert.run('old-sent', 'c', 'created:attendee', JSON.stringify(message), 'sent', 1, 100, null, 100, 200);
    const store = createSqliteOutboxStore(db);
    expect(await store.counts()).toEqual({ pending: 2, sent: 1, failed: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM mail_job WHERE legacy_message IS NOT NULL').get()).toEqual({ n: 2 });
    expect(await store.releaseOrphans()).toBe(1);
    const claimed = await store.claimDue(1000, 10, 100);
    expect(claimed.map((r) => [r.key, r.seq, r.to.address, r.legacyMessage?.subject])).toEqual([
      ['old-sending', 0, 'dana@example.com', 'Confirmed'],
      ['old-pending', 0, 'sam@example.net', 'Confirmed'],
    ]);
    await store.markSent(claimed[0]!.id, 1000);
    expect(db.prepare('SELECT count(*) AS n FROM mail_job WHERE legacy_message IS NOT NULL').get()).toEqual({ n: 1 });
  });
});
