import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { hashToken } from '../../crypto';
import { createSqliteOutboxStore } from './sqlite-outbox-store';
import { createSqliteProfileStore } from './sqlite-profile-store';
import { openSqliteStore, type SqliteRelayStore } from './sqlite-store';
import { createSqliteTrustStore } from './sqlite-trust-store';
import { startWalCheckpointer, type WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer';

const dirs: string[] = [];
const stores: SqliteRelayStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
/** A store whose writes wait for the hold of `holder.ckpt` once it is set, as sqlite-storage.ts wires them. */
const fresh = (holder: { ckpt?: WalCheckpointer } = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-ckpt-'));
  dirs.push(dir);
  const store = openSqliteStore(path.join(dir, 'relay.sqlite'), { gate: () => holder.ckpt?.gate() });
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

it('starts the WAL over under commits that never pause, holding them while it copies the last pages', async () => {
  const holder: { ckpt?: WalCheckpointer } = {};
  const store = fresh(holder);
  const { ckpt, errors } = await busyCheckpointer(store, 500, { intervalMs: 20, restartPages: 200 });
  holder.ckpt = ckpt;
  const id = 'e'.repeat(24);
  await store.createChannel({ id, tokenHash: hashToken('t'), createdAt: 1 });
  const walFile = `${store.database.name}-wal`;
  let largest = 0;
  // ~6,000 pages (24 MB) of commits back to back: a WAL never started over would hold all of them.
  for (let i = 0; i < 120; i++) {
    await store.appendEvents(Array.from({ length: 50 }, () => event(id, i)));
    largest = Math.max(largest, fs.statSync(walFile).size);
  }
  // Half of what a WAL never started over reaches. 4-5.5 MB alone; 9 MB once in a CI run, where the thread shared two
  // cores with the other test files and started the WAL over later.
  expect(largest).toBeLessThan(12 * 1024 * 1024);
  // The thread kept the checkpoints all along: the relay's connection never went back to checkpointing itself.
  expect(autoPages(store)).toBe(0);
  expect((await store.bounds(id))?.lastSeq).toBe(6000);
  await ckpt.stop();
  expect(errors).toEqual([]);
});

/**
 * A stand-in thread that says it is ready, asks the relay to hold its commits, then runs `then` (module code); it
 * exits when told to stop.
 */
const holdingThread = (then: string) =>
  new URL(
    `data:text/javascript,import { parentPort } from 'node:worker_threads'; parentPort.on('message', (m) => m === 'stop' && process.exit(0)); parentPort.postMessage({ type: 'ready' }); parentPort.postMessage({ type: 'hold', id: 1 }); ${then}`,
  );

/** A fresh store and a checkpointer with `opts`, its writes waiting for the checkpointer's holds. */
function gatedCheckpointer(opts: Omit<WalCheckpointerOptions, 'onError'>) {
  const holder: { ckpt?: WalCheckpointer } = {};
  const store = fresh(holder);
  const errors: Error[] = [];
  const ckpt = (holder.ckpt = startWalCheckpointer(store.database, { ...opts, onError: (e) => errors.push(e) }));
  return { store, ckpt, errors };
}

it('holds the relay writes while the thread copies, and lets them go on if it never says it is done', async () => {
  const { store, ckpt, errors } = gatedCheckpointer({
    holdMs: 300,
    entry: holdingThread('setInterval(() => undefined, 1000);'),
  });
  // The outbox, profiles and trust records share the relay's connection, so their writes wait too.
  const gate = () => ckpt.gate();
  const outbox = createSqliteOutboxStore(store.database, gate);
  const profiles = createSqliteProfileStore(store.database, undefined, gate);
  const trust = createSqliteTrustStore(store.database, undefined, gate);
  ckpt.wake(50);
  await until(() => ckpt.gate() !== undefined);
  const started = performance.now();
  const took = (p: Promise<unknown>) => p.then(() => performance.now() - started);
  const account = { userId: 7, username: 'ada', email: 'ada@example.com', timeZone: 'UTC' };
  const waited = await Promise.all([
    took(store.createChannel({ id: 'g'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 })),
    took(outbox.prune(0)),
    took(profiles.remove('g'.repeat(24))),
    took(trust.upsertAccount(account, 1, 'approved')),
    took(trust.reserveMail(7, '2026-12-05', 2, 10)),
  ]);
  // Written once the hold's 300 ms ran out (the hold began up to one 20 ms poll of `until` before `started`).
  for (const ms of waited) expect(ms).toBeGreaterThanOrEqual(250);
  expect(ckpt.gate()).toBeUndefined();
  expect(await store.bounds('g'.repeat(24))).toBeDefined();
  await ckpt.stop();
  expect(errors).toEqual([]);
});

it('lets the relay writes go on as soon as the thread ends its hold, or dies holding them', async () => {
  const release = "parentPort.postMessage({ type: 'release', id: m.id })";
  for (const [ended, then] of [
    ['released', `setTimeout(() => ${release}, 200); setInterval(() => undefined, 1000);`],
    ['died', 'setTimeout(() => process.exit(3), 200);'],
  ] as const) {
    const { store, ckpt, errors } = gatedCheckpointer({
      holdMs: 60_000,
      entry: holdingThread(`parentPort.on('message', (m) => { if (m.type === 'held') { ${then} } });`),
    });
    ckpt.wake(50);
    await until(() => ckpt.gate() !== undefined);
    await store.createChannel({ id: 'h'.repeat(24), tokenHash: hashToken('t'), createdAt: 1 });
    // Well within the hold's 60 s: the write waited for the thread's release or its exit.
    expect(ckpt.gate()).toBeUndefined();
    expect(await store.bounds('h'.repeat(24))).toBeDefined();
    expect(autoPages(store)).toBe(ended === 'died' ? 1000 : 0);
    await ckpt.stop();
    expect(errors.map((e) => e.message)).toEqual(ended === 'died' ? ['WAL checkpoint thread exited (3)'] : []);
  }
});

it('closes the storage, thread and all, when nothing else keeps the process alive', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-ckpt-'));
  dirs.push(dir);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'tests/support/relay/store/close-storage-child.ts', dir],
    { encoding: 'utf8', timeout: 30_000 },
  );
  // Before the thread was kept referenced while it retired, the process exited with close() still waiting (13).
  expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({ status: 0, stdout: 'closed' });
  expect(fs.existsSync(path.join(dir, 'relay.sqlite-wal'))).toBe(false);
});
