import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Checkpointing by a thread of its own while the relay is busy; stop() before closing the database. */
export interface WalCheckpointer {
  /** Called with each durable write's row count: a busy enough second starts the thread (cheap otherwise). */
  wake(rows?: number): void;
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  readonly onError: (err: Error) => void;
  /** Between PASSIVE checkpoints of the thread (default 500 ms). */
  readonly intervalMs?: number;
  /** Rows written durably within one second that start the thread (default 50). */
  readonly startPerSecond?: number;
  /** The thread stops after this long without such a second (default 10 s). */
  readonly idleMs?: number;
  /**
   * A WAL this long (default 4,000 pages, 16 MB) and longer at each of two checkpoints of the thread in a row is not
   * starting over: the thread then hands checkpointing back to the relay connection until the relay has been quiet
   * for `idleMs`.
   */
  readonly behindPages?: number;
  readonly entry?: URL;
  readonly now?: () => number;
}

/** SQLite's default: checkpoint once the WAL holds 1,000 pages. Restored whenever the thread is gone. */
const AUTO_PAGES = 1000;

/** One run of the checkpoint thread, from spawn to exit. */
interface CheckpointThread {
  /** Stops the thread and gives checkpointing back to the relay connection; resolves once it exited. */
  retire(): Promise<void>;
}

function spawnCheckpointThread(
  db: Database.Database,
  opts: WalCheckpointerOptions,
  onDied: () => void,
  onBehind: () => void,
): CheckpointThread {
  const worker = new Worker(opts.entry ?? new URL('./checkpoint-thread.mjs', import.meta.url), {
    workerData: { file: db.name, intervalMs: opts.intervalMs ?? 500, behindPages: opts.behindPages ?? 4 * AUTO_PAGES },
  });
  worker.unref();
  let retiring = false;
  const fallBack = (err: Error) => {
    // A retired thread's exit is expected; by then a newer thread may already have the checkpoints.
    if (retiring) return;
    retiring = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
    onDied();
    opts.onError(err);
  };
  worker.on('message', (msg: { type: string; message?: string }) => {
    if (msg.type === 'ready' && !retiring && db.open) db.pragma('wal_autocheckpoint = 0');
    else if (msg.type === 'behind' && !retiring) onBehind();
    else if (msg.type === 'error') opts.onError(new Error(`WAL checkpoint failed: ${msg.message ?? 'unknown'}`));
  });
  worker.on('error', fallBack);
  worker.on('exit', (code) => fallBack(new Error(`WAL checkpoint thread exited (${code})`)));
  return {
    async retire() {
      if (retiring) return;
      retiring = true;
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}

/**
 * Moves the relay's WAL checkpoints off the event loop while it is busy. By default SQLite checkpoints inside the
 * COMMIT that crosses 1,000 WAL pages (about every 200 webhooks with their emails): copying ~4 MB into the database
 * and two fsyncs, during which no request is served — the relay's worst latencies under load. A worker thread with
 * its own connection then runs a PASSIVE checkpoint every `intervalMs` (it never blocks writers) and the relay's
 * connection stops checkpointing once that thread is up.
 *
 * The thread costs ~10 MB of memory (a V8 isolate and a SQLite connection), so it runs only while webhooks arrive
 * fast enough for inline checkpoints to matter (issue 18, RSS idle): a quiet relay, or one taking a trickle, lets
 * its own connection checkpoint once per 1,000 pages. If the thread fails or exits on its own, the connection
 * checkpoints itself again and no thread is started after that (a thread that cannot run would fail each time).
 *
 * The thread only helps while it keeps the WAL short. The WAL starts over at a commit that finds it wholly copied
 * into the database, and a PASSIVE checkpoint never waits for writers: when commits land during every one of its
 * checkpoints (a burst, or 1,000 webhooks/s with their emails: ~6,600 pages a second), that never happens and the WAL
 * grows at the end of its file for as long as the load lasts (520 MB in 20 s at 1,000/s, measured on 2026-12-05),
 * each commit paying for new file blocks (the kernel zeroing them was a fifth of the relay's CPU in a burst).
 * SQLite's own checkpoint inside a commit has no such race: nothing else writes meanwhile, so the next commit starts
 * the WAL over. So once two of the thread's checkpoints in a row find the same WAL (its header's salts change when
 * it starts over) longer than the last and past `behindPages`, the thread hands checkpointing back to the connection
 * for the rest of the busy spell; the next spell, after `idleMs` quiet, gets a thread again.
 */
export function startWalCheckpointer(db: Database.Database, opts: WalCheckpointerOptions): WalCheckpointer {
  const now = opts.now ?? Date.now;
  const startPerSecond = opts.startPerSecond ?? 50;
  const idleMs = opts.idleMs ?? 10_000;
  let thread: CheckpointThread | undefined;
  /** This busy spell's thread could not keep the WAL from growing: no other starts until the relay is quiet. */
  let handedBack = false;
  let idleCheck: NodeJS.Timeout | undefined;
  let secondStart = 0;
  let writes = 0;
  let lastBusy = 0;
  let failed = false;
  let stopped = false;
  const exiting = new Set<Promise<void>>();

  const retire = () => {
    clearInterval(idleCheck);
    idleCheck = undefined;
    const t = thread;
    thread = undefined;
    if (!t) return;
    const done = t.retire().finally(() => exiting.delete(done));
    exiting.add(done);
  };
  const start = () => {
    thread = spawnCheckpointThread(
      db,
      opts,
      () => {
        failed = true;
        thread = undefined;
        clearInterval(idleCheck);
      },
      () => {
        handedBack = true;
        retire();
      },
    );
    idleCheck = setInterval(() => now() - lastBusy >= idleMs && retire(), Math.max(10, idleMs / 4));
    idleCheck.unref();
  };

  return {
    wake(rows = 1) {
      const t = now();
      if (t - secondStart >= 1000) {
        secondStart = t;
        writes = 0;
      }
      writes += rows;
      if (writes < startPerSecond) return;
      // A busy second after idleMs without one begins a new busy spell, which may get a thread again.
      if (t - lastBusy >= idleMs) handedBack = false;
      lastBusy = t;
      if (!thread && !failed && !stopped && !handedBack) start();
    },
    async stop() {
      stopped = true;
      retire();
      await Promise.all(exiting);
    },
  };
}
