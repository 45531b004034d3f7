import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { hashToken } from '../../crypto';
import { openSqliteStore, type SqliteRelayStore } from './sqlite-store';
import { startWalCheckpointer, type WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer';

const dirs: string[] = [];
const stores: SqliteRelayStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-ckpt-'));
  dirs.push(dir);
  const store = openSqliteStore(path.join(dir, 'relay.sqlite'));
  stores.push(store);
  return store;
};
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(3000) }));

const event = (channelId: string, receivedAt: number) => ({
  channelId,
  receivedAt,
  contentType: 'application/json',
  headers: {},
  query: {},
  body,
});
/** 1,500 events in 30 commits: ~1,500 WAL pages, far past the 1,000 at which SQLite checkpoints on its own. */
const burst = async (store: SqliteRelayStore, channelId: string) => {
  for (let i = 0; i < 30; i++) await store.appendEvents(Array.from({ length: 50 }, () => event(channelId, i)));
};

/** Opens a read transaction on its own connection, holding the snapshot of now; returns its release. */
function pinReader(store: SqliteRelayStore): () => void {
  const reader = new Database(store.database.name, { readonly: true });
  reader.prepare('BEGIN').run();
  reader.prepare('SELECT count(*) FROM events').get();
  return () => {
    reader.prepare('COMMIT').run();
    reader.close();
  };
}

const autoPages = (store: SqliteRelayStore) => store.database.pragma('wal_autocheckpoint', { simple: true });
/**
 * Whether the WAL's every committed frame is copied into the database, read from the wal-index (the -shm file,
 * sqlite.org/walformat.html): mxFrame in its header, nBackfill in the checkpoint info after the header's two copies.
 */
function walCopied(store: SqliteRelayStore): boolean {
  const shm = fs.readFileSync(`${store.database.name}-shm`);
  const u32 = (at: number) => (os.endianness() === 'LE' ? shm.readUInt32LE(at) : shm.readUInt32BE(at));
  return u32(16) > 0 && u32(96) === u32(16);
}
const settle = () => new Promise((r) => setTimeout(r, 150));

/** A checkpointer woken by `rows` durable rows, once its thread is up (the relay connection stops checkpointing). */
async function busyCheckpointer(
  store: SqliteRelayStore,
  rows: number,
  opts: Omit<WalCheckpointerOptions, 'onError'> = {},
): Promise<{ ckpt: WalCheckpointer; errors: Error[] }> {
  const errors: Error[] = [];
  const ckpt = startWalCheckpointer(store.database, { intervalMs: 50, ...opts, onError: (e) => errors.push(e) });
  ckpt.wake(rows);
  await until(() => autoPages(store) === 0);
  return { ckpt, errors };
}

it('takes checkpoints off the relay connection and still empties the WAL into the database', async () => {
  const store = fresh();
  const { ckpt, errors } = await busyCheckpointer(store, 50);
  await store.createChannel({ id: 'a'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
  await burst(store, 'a'.repeat(24));
  // The worker's PASSIVE checkpoints copy the WAL into the database file while the relay keeps its connection.
  const dbFile = store.database.name;
  await until(() => fs.statSync(dbFile).size > 4 * 1024 * 1024);
  expect((await store.bounds('a'.repeat(24)))?.lastSeq).toBe(1500);
  await ckpt.stop();
  expect(autoPages(store)).toBe(1000);
  expect(errors).toEqual([]);
});

it('starts no thread for a quiet relay or a trickle, and one as soon as a second is busy', async () => {
  const store = fresh();
  let clock = 0;
  const ckpt = startWalCheckpointer(store.database, { onError: () => undefined, now: () => clock });
  // 49 rows a second for five seconds: the relay's own connection keeps checkpointing every 1,000 pages.
  for (let s = 0; s < 5; s++) {
    clock = s * 1000;
    for (let i = 0; i < 49; i++) ckpt.wake();
  }
  await settle();
  expect(autoPages(store)).toBe(1000);
  ckpt.wake(2); // the 50th and 51st rows of this second
  await until(() => autoPages(store) === 0);
  await ckpt.stop();
  expect(autoPages(store)).toBe(1000);
});

it('stops the thread once the relay has been quiet for idleMs, and starts it again for the next busy second', async () => {
  const store = fresh();
  let clock = 0;
  const ckpt = startWalCheckpointer(store.database, { onError: () => undefined, now: () => clock, idleMs: 40 });
  ckpt.wake(500);
  await until(() => autoPages(store) === 0);
  clock += 30; // still within idleMs of the busy second
  await settle();
  expect(autoPages(store)).toBe(0);
  clock += 1000;
  await until(() => autoPages(store) === 1000);
  ckpt.wake(1); // a trickle does not bring it back
  await settle();
  expect(autoPages(store)).toBe(1000);
  ckpt.wake(100);
  await until(() => autoPages(store) === 0);
  await ckpt.stop();
  expect(autoPages(store)).toBe(1000);
});

it('tells the checkpointer of every durable write, a batch counting its rows', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-ckpt-'));
  dirs.push(dir);
  const woken: number[] = [];
  const store = openSqliteStore(path.join(dir, 'relay.sqlite'), { onDurableWrite: (rows) => woken.push(rows) });
  stores.push(store);
  await store.createChannel({ id: 'b'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
  const one = event('b'.repeat(24), 1);
  await store.appendEvents([one, one, one]);
  await store.durable();
  expect(woken).toEqual([1, 3, 1]);
});

it('hands checkpointing back to the relay connection when its thread dies', async () => {
  const store = fresh();
  const errors: Error[] = [];
  // A thread that says it is ready, then dies: the relay must not be left with nobody checkpointing.
  const dying = new URL(
    "data:text/javascript,import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ type: 'ready' }); setTimeout(() => process.exit(7), 200);",
  );
  const ckpt = startWalCheckpointer(store.database, { onError: (e) => errors.push(e), entry: dying });
  ckpt.wake(50);
  await until(() => errors.length > 0);
  expect(errors[0]?.message).toMatch(/exited \(7\)/);
  expect(autoPages(store)).toBe(1000);
  // A thread that cannot run is not started again for every busy second.
  ckpt.wake(50);
  await settle();
  expect(errors).toHaveLength(1);
  expect(autoPages(store)).toBe(1000);
  await ckpt.stop();
});

it('copies the whole WAL as the thread retires, so the next commits start it over instead of growing it', async () => {
  const store = fresh();
  let clock = 0;
  const { ckpt, errors } = await busyCheckpointer(store, 500, {
    intervalMs: 60_000, // no periodic checkpoint: what is copied, the retiring thread copies
    idleMs: 40,
    now: () => clock,
  });
  await store.createChannel({ id: 'c'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
  await burst(store, 'c'.repeat(24));
  const walFile = `${store.database.name}-wal`;
  const walSize = fs.statSync(walFile).size;
  expect(walSize).toBeGreaterThan(4 * 1024 * 1024);
  const copied = () => fs.statSync(store.database.name).size > 4 * 1024 * 1024;
  expect(copied()).toBe(false);
  clock += 1000;
  await until(() => autoPages(store) === 1000);
  await until(copied);
  await settle(); // the thread's last PASSIVE ends and it closes its connection
  // 500 more events (~500 pages) are written from the WAL's beginning: the file does not grow past the burst's size.
  for (let i = 0; i < 10; i++) await store.appendEvents(Array.from({ length: 50 }, () => event('c'.repeat(24), 99)));
  expect(fs.statSync(walFile).size).toBe(walSize);
  expect((await store.bounds('c'.repeat(24)))?.lastSeq).toBe(2000);
  await ckpt.stop();
  expect(errors).toEqual([]);
});

it('never takes the writer lock from the relay to empty a WAL it cannot copy yet: writes go on while it retires', async () => {
  const store = fresh();
  const { ckpt, errors } = await busyCheckpointer(store, 500);
  const id = 'd'.repeat(24);
  await store.createChannel({ id, tokenHash: hashToken('t'), createdAt: 1 });
  // A reader pinned before the burst: no checkpoint may copy the burst's pages past it, so the WAL can't be emptied.
  const unpin = pinReader(store);
  try {
    await burst(store, id);
    // The relay's writes may not wait at all: any time the thread held the writer lock would fail one of them.
    store.database.pragma('busy_timeout = 0');
    const failures: unknown[] = [];
    let retired = false;
    const stopping = ckpt.stop().then(() => (retired = true));
    let n = 0;
    while (!retired || n < 20) {
      await store.appendEvents([event(id, 1000 + n++)]).catch((err: unknown) => failures.push(err));
      await new Promise((r) => setTimeout(r, 2));
    }
    await stopping;
    expect(failures).toEqual([]);
    expect((await store.bounds(id))?.lastSeq).toBe(1500 + n);
  } finally {
    unpin();
  }
  expect(errors).toEqual([]);
});

it('hands checkpointing back to the relay connection while its checkpoints cannot keep the WAL from growing, for the rest of the busy spell', async () => {
  const store = fresh();
  let clock = 0;
  const { ckpt, errors } = await busyCheckpointer(store, 500, {
    intervalMs: 20,
    behindPages: 200,
    idleMs: 5000,
    now: () => clock,
  });
  const id = 'e'.repeat(24);
  await store.createChannel({ id, tokenHash: hashToken('t'), createdAt: 1 });
  // A reader pinned before the burst keeps every checkpoint short of the WAL's end, as commits landing during each
  // checkpoint do under load: the WAL cannot start over and grows past 200 pages.
  const unpin = pinReader(store);
  try {
    await burst(store, id);
    await until(() => autoPages(store) === 1000);
    // Busy seconds go on: the relay's connection keeps checkpointing.
    clock += 4000;
    ckpt.wake(500);
    await settle();
    expect(autoPages(store)).toBe(1000);
  } finally {
    unpin();
  }
  // A busy second after idleMs without one brings the thread back; with nothing racing it, it copies the WAL and stays.
  clock += 5000;
  ckpt.wake(500);
  await until(() => autoPages(store) === 0);
  await settle();
  expect(autoPages(store)).toBe(0);
  expect((await store.bounds(id))?.lastSeq).toBe(1500);
  await ckpt.stop();
  expect(autoPages(store)).toBe(1000);
  expect(errors).toEqual([]);
});

it('keeps its thread while it keeps up: each commit longer than the last and than behindPages, but in a WAL started over', async () => {
  const store = fresh();
  // Ticks far apart, so each next commit lands right after the tick that copied the last one, before another tick.
  const { ckpt, errors } = await busyCheckpointer(store, 500, { intervalMs: 200, behindPages: 200 });
  const id = 'f'.repeat(24);
  await store.createChannel({ id, tokenHash: hashToken('t'), createdAt: 1 });
  for (let i = 0; i < 4; i++) {
    await store.appendEvents(Array.from({ length: 300 + 30 * i }, () => event(id, i)));
    // Nothing races the thread: the next commit finds the WAL wholly copied and starts it over from its beginning.
    await until(() => walCopied(store) || autoPages(store) !== 0, 10_000);
    expect(autoPages(store)).toBe(0);
  }
  await settle();
  expect(autoPages(store)).toBe(0);
  await ckpt.stop();
  expect(errors).toEqual([]);
});
