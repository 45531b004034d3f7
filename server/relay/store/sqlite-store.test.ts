import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../crypto';
import { openSqliteStore } from './sqlite-store';
import type { NewEvent, RelayStore } from './types';

const dirs: string[] = [];
const stores: RelayStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function open(file?: string): { store: RelayStore; file: string } {
  const f = file ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relay-store-')), 'nested', 'relay.sqlite');
  dirs.push(path.dirname(path.dirname(f)));
  const store = openSqliteStore(f);
  stores.push(store);
  return { store, file: f };
}
const ev = (channelId: string, receivedAt: number, body = '{}'): NewEvent => ({
  channelId,
  receivedAt,
  contentType: 'application/json',
  headers: { 'x-cal-webhook-version': '2021-10-20' },
  query: {},
  body: Buffer.from(body),
});

describe('SQLite relay store', () => {
  it('creates the schema with WAL and synchronous=FULL, and reopens without re-migrating', async () => {
    const { store, file } = open();
    await store.createChannel({ id: 'a'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
    const again = open(file).store;
    expect((await again.getChannel('a'.repeat(24)))?.tokenHash.equals(hashToken('t'))).toBe(true);
  });

  it('refuses a database from a newer relay', async () => {
    const { store, file } = open();
    await store.close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/newer than this relay/);
  });

  it('assigns per-channel monotonic sequences in one batch, and reports vanished channels', async () => {
    const { store } = open();
    const a = 'a'.repeat(24);
    const b = 'b'.repeat(24);
    await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
    await store.createChannel({ id: b, tokenHash: hashToken('2'), createdAt: 1 });
    const out = await store.appendEvents([ev(a, 1), ev(b, 1), ev(a, 1), ev('z'.repeat(24), 1), ev(a, 1, '{"x":1}')]);
    expect(out.map((o) => (o.ok ? `${o.event.channelId[0]}${o.event.seq}` : o.reason))).toEqual(['a1', 'b1', 'a2', 'channel_not_found', 'a3']);
    const listed = await store.listEvents(a, 1, 10);
    expect(listed.map((e) => e.seq)).toEqual([2, 3]);
    expect(listed[1]?.body.toString()).toBe('{"x":1}');
    expect(listed[1]?.headers).toEqual({ 'x-cal-webhook-version': '2021-10-20' });
    expect(await store.bounds(a)).toEqual({ lastSeq: 3, oldestSeq: 1, ackedSeq: 0 });
  });

  it('acks forward only, clamped to the last sequence', async () => {
    const { store } = open();
    const a = 'a'.repeat(24);
    await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
    await store.appendEvents([ev(a, 1), ev(a, 1), ev(a, 1)]);
    expect(await store.ack(a, 2)).toBe(2);
    expect(await store.ack(a, 1)).toBe(2);
    expect(await store.ack(a, 9)).toBe(3);
  });

  it('prunes acked events after the short window and unacked ones after the long window', async () => {
    const { store } = open();
    const a = 'a'.repeat(24);
    await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
    await store.appendEvents([ev(a, 100), ev(a, 100), ev(a, 200), ev(a, 300)]);
    await store.ack(a, 3);
    // acked window cuts at 250: seq 1-3 are acked and older → gone; 4 is unacked and newer than 150 → kept.
    expect(await store.prune({ unackedBefore: 150, ackedBefore: 250 })).toBe(3);
    expect(await store.bounds(a)).toEqual({ lastSeq: 4, oldestSeq: 4, ackedSeq: 3 });
    expect(await store.prune({ unackedBefore: 301, ackedBefore: 0 })).toBe(1);
    expect(await store.bounds(a)).toEqual({ lastSeq: 4, oldestSeq: 0, ackedSeq: 3 });
    // The sequence never restarts after pruning.
    const [next] = await store.appendEvents([ev(a, 400)]);
    expect(next?.ok && next.event.seq).toBe(5);
  });

  it('reports backlog and deletes channels with their events', async () => {
    const { store } = open();
    const a = 'a'.repeat(24);
    await store.createChannel({ id: a, tokenHash: hashToken('1'), createdAt: 1 });
    await store.appendEvents([ev(a, 1), ev(a, 1)]);
    await store.ack(a, 1);
    expect(await store.backlog()).toEqual([{ channelId: a, count: 1 }]);
    expect(await store.setSecret(a, 'x'.repeat(16))).toBe(true);
    expect((await store.getChannel(a))?.secret).toBe('x'.repeat(16));
    expect(await store.deleteChannel(a)).toBe(true);
    expect(await store.deleteChannel(a)).toBe(false);
    expect(await store.listEvents(a, 0, 10)).toEqual([]);
    expect(await store.bounds(a)).toBeUndefined();
  });

  it('rejects after close instead of throwing synchronously', async () => {
    const { store } = open();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
  });
});
