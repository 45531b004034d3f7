import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../crypto';
import { openSqliteStore } from './sqlite-store';
import { describeRelayStore } from '../../../../tests/support/relay/store/store-contract';
import type { RelayStore } from '../types';

const dirs: string[] = [];
const stores: RelayStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function newFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-store-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'relay.sqlite');
}
function open(file = newFile()): { store: RelayStore; file: string } {
  const store = openSqliteStore(file);
  stores.push(store);
  return { store, file };
}

describeRelayStore('SQLite', () => {
  const file = newFile();
  return Promise.resolve({ store: openSqliteStore(file), sibling: () => Promise.resolve(openSqliteStore(file)) });
});

describe('SQLite relay store (engine specifics)', () => {
  it('creates the schema in WAL mode, and reopens without re-migrating', async () => {
    const { store, file } = open();
    await store.createChannel({ id: 'a'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
    const again = open(file).store;
    expect((await again.getChannel('a'.repeat(24)))?.tokenHash.equals(hashToken('t'))).toBe(true);
  });

  it('moves a version 1 event log (WITHOUT ROWID) into the rowid table: every event kept, appends go on after it', async () => {
    const file = newFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    // What a version 1 relay has on disk (migration 1 as it shipped), with two channels' events interleaved.
    v1.exec(`CREATE TABLE channels (
        id TEXT PRIMARY KEY, token_hash BLOB NOT NULL, secret TEXT, created_at INTEGER NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0, acked_seq INTEGER NOT NULL DEFAULT 0) STRICT;
      CREATE TABLE events (
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
        received_at INTEGER NOT NULL, content_type TEXT NOT NULL, headers TEXT NOT NULL, query TEXT NOT NULL,
        body BLOB NOT NULL, PRIMARY KEY (channel_id, seq)) STRICT, WITHOUT ROWID;
      CREATE INDEX events_received_at ON events(received_at);`);
    const [a, b] = ['a'.repeat(24), 'b'.repeat(24)] as const;
    const insertChannel = v1.prepare(
      'INSERT INTO channels (id, token_hash, created_at, last_seq, acked_seq) VALUES (?, ?, 1, 30, 2)',
    );
    insertChannel.run(a, hashToken('a'));
    insertChannel.run(b, hashToken('b'));
    const insertEvent = v1.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)');
    const body = (channel: string, seq: number) =>
      Buffer.from(`{"channel":"${channel}","seq":${seq},"pad":"${'x'.repeat(2_600)}"}`);
    for (let seq = 1; seq <= 30; seq++)
      for (const c of [a, b])
        insertEvent.run(c, seq, 1_000 + seq, 'application/json', `{"x-seq":"${seq}"}`, '{}', body(c, seq));
    v1.pragma('user_version = 1');
    v1.close();

    const { store } = open(file);
    for (const c of [a, b]) {
      const events = await store.listEvents(c, 0, 100);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      for (const e of events) {
        expect(e.body.equals(body(c, e.seq))).toBe(true);
        expect(e.headers).toEqual({ 'x-seq': String(e.seq) });
        expect(e.receivedAt).toBe(1_000 + e.seq);
      }
      // Migration 3 counted the bytes the channel already held.
      const held = events.reduce((n, e) => n + e.body.length + `{"x-seq":"${e.seq}"}`.length + '{}'.length, 0);
      expect(await store.bounds(c)).toEqual({ lastSeq: 30, oldestSeq: 1, ackedSeq: 2, storedBytes: held });
    }
    const [next] = await store.appendEvents([
      {
        channelId: a,
        receivedAt: 5_000,
        contentType: 'application/json',
        headers: {},
        query: {},
        body: Buffer.from('{}'),
      },
    ]);
    expect(next).toMatchObject({ ok: true, event: { seq: 31 } });

    const db = (store as ReturnType<typeof openSqliteStore>).database;
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get() as { sql: string }).sql;
    expect(sql).not.toMatch(/WITHOUT ROWID/i);
    // A catch-up page walks the (channel, seq) index in order; a second event with the same seq cannot exist.
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM events WHERE channel_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(a, 0, 10) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX events_channel_seq \(channel_id=\? AND seq>\?\)/);
    expect(plan.map((p) => p.detail).join('; ')).not.toMatch(/TEMP B-TREE/);
    expect(() =>
      db.prepare('INSERT INTO events VALUES (?, 1, 1, ?, ?, ?, ?)').run(a, 'x', '{}', '{}', Buffer.from('{}')),
    ).toThrow(/UNIQUE constraint failed: events.channel_id, events.seq/);
  });

  it('refuses a database from a newer relay', async () => {
    const { store, file } = open();
    await store.close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/newer than this relay/);
  });

  it('resolves a write only after an fsync of the WAL that began after its commit; concurrent writes share fsyncs', async () => {
    const file = newFile();
    const calls: { fd: number; release: () => void }[] = [];
    const fsync = (fd: number) => new Promise<void>((release) => calls.push({ fd, release }));
    const store = openSqliteStore(file, { fsync });
    stores.push(store);
    const id = 'b'.repeat(24);
    const created = store.createChannel({ id, tokenHash: hashToken('t'), createdAt: 1 });
    let settled = false;
    void created.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    // Committed (another connection sees it) but not yet acknowledged: its fsync is still running.
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT count(*) AS n FROM channels').get()).toEqual({ n: 1 });
    reader.close();
    expect(settled).toBe(false);
    expect(calls).toHaveLength(1);
    expect(fs.fstatSync(calls[0]!.fd).ino).toBe(fs.statSync(`${file}-wal`).ino);

    // Three appends while that fsync runs: they need one more fsync, after it, and only one.
    const appends = [1, 2, 3].map((i) =>
      store.appendEvents([
        {
          channelId: id,
          receivedAt: i,
          contentType: 'application/json',
          headers: {},
          query: {},
          body: Buffer.from('{}'),
        },
      ]),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    await created;
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(2);
    let appended = false;
    void Promise.all(appends).then(() => (appended = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(appended).toBe(false);
    calls[1]!.release();
    const outcomes = await Promise.all(appends);
    expect(outcomes.map((o) => (o[0]?.ok ? o[0].event.seq : 0))).toEqual([1, 2, 3]);
    expect(calls).toHaveLength(2);
    // Reads never wait for an fsync.
    expect((await store.getChannel(id))?.lastSeq).toBe(3);
    expect(calls).toHaveLength(2);
  });

  it('answers a failed fsync with a rejected write (the caller answers 503), and syncs again for the next one', async () => {
    let fail = true;
    const store = openSqliteStore(newFile(), {
      fsync: () => (fail ? Promise.reject(new Error('EIO')) : Promise.resolve()),
    });
    stores.push(store);
    await expect(store.createChannel({ id: 'c'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 })).rejects.toThrow(
      'EIO',
    );
    fail = false;
    await expect(
      store.createChannel({ id: 'd'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 }),
    ).resolves.toBeUndefined();
  });

  it('is private to its process: no cross-instance wake-up machinery', () => {
    expect(open().store.shared).toBeUndefined();
  });
});

describe('SQLite relay store: long deletes in chunks (security review 41)', () => {
  const a = 'a'.repeat(24);
  const b = 'b'.repeat(24);
  const event = (channelId: string, receivedAt: number, bytes = 2) => ({
    channelId,
    receivedAt,
    contentType: 'application/json',
    headers: {},
    query: {},
    body: Buffer.alloc(bytes, 0x61),
  });
  /** Appends `count` events in batches of 100 and returns the outcomes' sequences. */
  const fill = async (store: RelayStore, count: number, make: () => ReturnType<typeof event>) => {
    for (let done = 0; done < count; done += 100)
      await store.appendEvents(Array.from({ length: Math.min(100, count - done) }, make));
  };
  /** A store whose durable writes (one per transaction of the store's own writes) are counted while `counting`. */
  const openCounted = () => {
    const counter = { counting: false, writes: 0, onWrite: () => {} };
    const store = openSqliteStore(newFile(), {
      onDurableWrite: () => {
        if (!counter.counting) return;
        counter.writes++;
        counter.onWrite();
      },
    });
    stores.push(store);
    const count = (channelId: string) =>
      (store.database.prepare('SELECT count(*) AS n FROM events WHERE channel_id = ?').get(channelId) as { n: number })
        .n;
    return { store, counter, count };
  };

  it('deletes a channel of more events than one chunk in several transactions, all of it and nothing else', async () => {
    const { store, counter, count } = openCounted();
    await store.createChannel({ id: a, tokenHash: hashToken('a'), createdAt: 1 });
    await store.createChannel({ id: b, tokenHash: hashToken('b'), createdAt: 1 });
    // More rows than one chunk, and then more bytes than one (1 MiB bodies).
    await fill(store, 1_200, () => event(a, 1));
    await store.appendEvents(Array.from({ length: 6 }, () => event(a, 1, 1024 * 1024)));
    await store.appendEvents([event(b, 1), event(b, 1)]);

    counter.counting = true;
    expect(await store.deleteChannel(a)).toBe(true);
    counter.counting = false;
    // One transaction for all of it (the old DELETE) is one durable write: the chunks are several.
    expect(counter.writes).toBeGreaterThan(3);
    expect(count(a)).toBe(0);
    expect(store.database.prepare('SELECT count(*) AS n FROM channels WHERE id = ?').get(a)).toEqual({ n: 0 });
    expect(await store.deleteChannel(a)).toBe(false);
    expect(await store.getChannel(a)).toBeUndefined();
    expect(await store.listEvents(a, 0, 10)).toEqual([]);
    expect(await store.bounds(a)).toBeUndefined();
    expect(count(b)).toBe(2);
    expect(await store.bounds(b)).toMatchObject({ lastSeq: 2, oldestSeq: 1, ackedSeq: 0 });
    expect(await store.backlog()).toEqual([{ channelId: b, count: 2 }]);
  });

  it('prunes more events than one chunk in several transactions, counting each once, and keeps the rest', async () => {
    const { store, counter } = openCounted();
    await store.createChannel({ id: a, tokenHash: hashToken('a'), createdAt: 1 });
    await store.createChannel({ id: b, tokenHash: hashToken('b'), createdAt: 1 });
    // Interleaved in arrival order: a's 600 oldest, b's 700 (never acked), then a's 600 newer.
    for (let i = 0; i < 7; i++)
      await store.appendEvents([
        ...Array.from({ length: i < 6 ? 100 : 0 }, () => event(a, 100)),
        ...Array.from({ length: 100 }, () => event(b, 100)),
      ]);
    await fill(store, 600, () => event(a, 300));
    await store.ack(a, 900);

    counter.counting = true;
    // Acked and before 400: a's seq 1-900. b's unacked events lie between the cutoffs: looked at, kept.
    expect(await store.prune({ unackedBefore: 50, ackedBefore: 400 })).toBe(900);
    expect(counter.writes).toBeGreaterThan(1);
    expect(await store.bounds(a)).toMatchObject({ lastSeq: 1200, oldestSeq: 901, ackedSeq: 900 });
    expect(await store.bounds(b)).toMatchObject({ lastSeq: 700, oldestSeq: 1, ackedSeq: 0 });
    // Unacked and before 200: b's 700; a's remaining events arrived at 300.
    expect(await store.prune({ unackedBefore: 200, ackedBefore: 400 })).toBe(700);
    expect(await store.bounds(b)).toEqual({ lastSeq: 700, oldestSeq: 0, ackedSeq: 0, storedBytes: 0 });
    expect(await store.bounds(a)).toMatchObject({ lastSeq: 1200, oldestSeq: 901, ackedSeq: 900 });
    expect(await store.prune({ unackedBefore: 200, ackedBefore: 400 })).toBe(0);
    counter.counting = false;
  });

  it('makes a channel gone from the start of its deletion: a racing append gets channel_not_found, no orphans', async () => {
    const { store, counter, count } = openCounted();
    await store.createChannel({ id: a, tokenHash: hashToken('a'), createdAt: 1 });
    await store.createChannel({ id: b, tokenHash: hashToken('b'), createdAt: 1 });
    await fill(store, 1_500, () => event(a, 1));
    await store.ack(a, 2);

    const firstChunk = new Promise<void>((resolve) => (counter.onWrite = resolve));
    counter.counting = true;
    const deleting = store.deleteChannel(a);
    await firstChunk;
    // The first chunk is committed and the rest still on disk: the deletion is under way, not done in one go.
    expect(count(a)).toBeGreaterThan(0);
    expect(count(a)).toBeLessThan(1_500);
    const outcomes = await store.appendEvents([event(b, 2), event(a, 2), event(b, 2)]);
    expect(outcomes.map((o) => (o.ok ? o.event.seq : o.reason))).toEqual([1, 'channel_not_found', 2]);
    expect(await store.getChannel(a)).toBeUndefined();
    expect(await store.listEvents(a, 0, 10)).toEqual([]);
    expect(await store.bounds(a)).toBeUndefined();
    expect(await store.ack(a, 5)).toBe(0);
    expect(await store.setSecret(a, 'x'.repeat(16))).toBe(false);
    expect((await store.backlog()).map((r) => r.channelId)).toEqual([b]);
    // A second delete waits for the first, and finds nothing.
    const again = store.deleteChannel(a).then((existed) => ({ existed, left: count(a) }));

    expect(await deleting).toBe(true);
    expect(await again).toEqual({ existed: false, left: 0 });
    counter.counting = false;
    expect(count(a)).toBe(0);
    expect(store.database.prepare('SELECT count(*) AS n FROM channels WHERE id = ?').get(a)).toEqual({ n: 0 });
    expect(count(b)).toBe(2);
    // Once gone, an append still finds no channel, and one created again with the same id starts empty.
    expect((await store.appendEvents([event(a, 3)]))[0]).toEqual({ ok: false, reason: 'channel_not_found' });
    await store.createChannel({ id: a, tokenHash: hashToken('a2'), createdAt: 2 });
    expect(await store.bounds(a)).toEqual({ lastSeq: 0, oldestSeq: 0, ackedSeq: 0, storedBytes: 0 });
    expect((await store.appendEvents([event(a, 4)]))[0]).toMatchObject({ ok: true, event: { seq: 1 } });
  });

  it('keeps the event loop running while it deletes or prunes ~90 MiB', { timeout: 30_000 }, async () => {
    const { store } = openCounted();
    await store.createChannel({ id: a, tokenHash: hashToken('a'), createdAt: 1 });
    await store.createChannel({ id: b, tokenHash: hashToken('b'), createdAt: 1 });
    const bytes = 64 * 1024;
    await fill(store, 1_400, () => event(a, 100, bytes));
    await fill(store, 1_400, () => event(b, 100, bytes));

    /** The longest the event loop went without running a 5 ms interval timer while `work` ran. */
    const longestStall = async (work: () => Promise<unknown>) => {
      let last = performance.now();
      let longest = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }, 5);
      try {
        await work();
        await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        clearInterval(timer);
      }
      return longest;
    };
    // A timing bound, so a wide one: one DELETE of these 87.5 MiB held the loop 450-800 ms on the machine where
    // this was written (secure_delete writes every page again), chunks of 2 MiB ~3-40 ms each with their checkpoints.
    // 250 ms leaves room for a slow CI disk without letting the whole-channel statement pass.
    expect(await longestStall(() => store.deleteChannel(a))).toBeLessThan(250);
    expect(await longestStall(() => store.prune({ unackedBefore: 200, ackedBefore: 200 }))).toBeLessThan(250);
    expect(await store.bounds(b)).toEqual({ lastSeq: 1_400, oldestSeq: 0, ackedSeq: 0, storedBytes: 0 });
  });
});
