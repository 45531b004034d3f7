import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Checkpointing by a thread of its own while the relay is busy; stop() before closing the database. */
export interface WalCheckpointer {
  /** Called with each durable write's row count: a busy enough second starts the thread (cheap otherwise). */
  wake(rows?: number): void;
  /**
   * While the thread copies the last pages of a long WAL, a promise the relay's writes wait for before committing
   * (their callers are answered later; the event loop goes on); otherwise undefined.
   */
  gate(): Promise<void> | undefined;
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  readonly onError: (err: Error) => void;
  /** Between PASSIVE checkpoints of the thread (default 100 ms). */
  readonly intervalMs?: number;
  /** Rows written durably within one second that start the thread (default 50). */
  readonly startPerSecond?: number;
  /** The thread stops after this long without such a second (default 10 s). */
  readonly idleMs?: number;
  /** A WAL this long (default 1,000 pages, SQLite's own checkpoint point) is started over, holding commits briefly. */
  readonly restartPages?: number;
  /** The longest the relay's writes wait for one hold (default 500 ms); then they go on, the WAL not started over. */
  readonly holdMs?: number;
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

/** The relay's side of the thread's holds: one at a time, each ended by the thread or, failing that, by a timer. */
class CommitHold {
  #id = 0;
  #release: (() => void) | undefined;
  #promise: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  get promise(): Promise<void> | undefined {
    return this.#promise;
  }

  begin(id: number, maxMs: number): void {
    this.end();
    this.#id = id;
    this.#promise = new Promise((resolve) => (this.#release = resolve));
    this.#timer = setTimeout(() => this.end(), maxMs);
    this.#timer.unref();
  }

  /** Ends hold `id`, or whichever hold is on when no id is given. */
  end(id?: number): void {
    if (id !== undefined && id !== this.#id) return;
    clearTimeout(this.#timer);
    this.#release?.();
    this.#release = undefined;
    this.#promise = undefined;
  }
}

function spawnCheckpointThread(
  db: Database.Database,
  opts: WalCheckpointerOptions,
  hold: CommitHold,
  onDied: () => void,
): CheckpointThread {
  const holdMs = opts.holdMs ?? 500;
  const worker = new Worker(opts.entry ?? new URL('./checkpoint-thread.mjs', import.meta.url), {
    workerData: {
      file: db.name,
      intervalMs: opts.intervalMs ?? 100,
      restartPages: opts.restartPages ?? AUTO_PAGES,
      holdMs,
    },
  });
  worker.unref();
  let retiring = false;
  const fallBack = (err: Error) => {
    // A retired thread's exit is expected; by then a newer thread may already have the checkpoints.
    if (retiring) return;
    retiring = true;
    hold.end();
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
    onDied();
    opts.onError(err);
  };
  worker.on('message', (msg: { type: string; id?: number; message?: string }) => {
    if (msg.type === 'ready' && !retiring && db.open) db.pragma('wal_autocheckpoint = 0');
    else if (msg.type === 'hold' && !retiring && typeof msg.id === 'number') {
      // Messages arrive between tasks, so no commit is under way: from here until the release, none starts.
      hold.begin(msg.id, holdMs);
      worker.postMessage({ type: 'held', id: msg.id });
    } else if (msg.type === 'release' && !retiring && typeof msg.id === 'number') {
      // A retiring thread's holds are already ended, and its ids may be a newer thread's too.
      hold.end(msg.id);
    } else if (msg.type === 'error') opts.onError(new Error(`WAL checkpoint failed: ${msg.message ?? 'unknown'}`));
  });
  worker.on('error', fallBack);
  worker.on('exit', (code) => fallBack(new Error(`WAL checkpoint thread exited (${code})`)));
  return {
    async retire() {
      if (retiring) return;
      retiring = true;
      hold.end();
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Unref'd, the thread let the process exit as soon as it closed its port, before this resolved: with nothing
      // else keeping the loop alive (a relay that has closed its server), storage.close() never closed the database.
      worker.ref();
      worker.postMessage('stop');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}

/**
 * Moves the relay's WAL checkpoints off the event loop while it is busy. By default SQLite checkpoints inside the
 * COMMIT that crosses 1,000 WAL pages (about every 200 webhooks with their emails): copying ~4 MB into the database
 * and two fsyncs, during which no request is served; in a burst that copying was 14% of the event loop's time
 * (perf, 2026-12-05). A worker thread with its own connection then runs a PASSIVE checkpoint every `intervalMs` (it
 * never blocks writers) and the relay's connection stops checkpointing once that thread is up.
 *
 * The WAL starts over only at a commit that finds it wholly copied, and under load commits land during every
 * checkpoint: so once the WAL is past `restartPages` the thread holds the relay's commits for the copy of what landed
 * during its last checkpoint (checkpoint-thread.mjs), as SQLite's own checkpoint inside a commit does, except that
 * the event loop goes on reading and verifying requests meanwhile and the copying is on another core.
 *
 * The thread costs ~10 MB of memory (a V8 isolate and a SQLite connection), so it runs only while webhooks arrive
 * fast enough for inline checkpoints to matter (issue 18, RSS idle): a quiet relay, or one taking a trickle, lets
 * its own connection checkpoint once per 1,000 pages. If the thread fails or exits on its own, the connection
 * checkpoints itself again and no thread is started after that (a thread that cannot run would fail each time).
 */
export function startWalCheckpointer(db: Database.Database, opts: WalCheckpointerOptions): WalCheckpointer {
  const now = opts.now ?? Date.now;
  const startPerSecond = opts.startPerSecond ?? 50;
  const idleMs = opts.idleMs ?? 10_000;
  const hold = new CommitHold();
  let thread: CheckpointThread | undefined;
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
    thread = spawnCheckpointThread(db, opts, hold, () => {
      failed = true;
      thread = undefined;
      clearInterval(idleCheck);
    });
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
      lastBusy = t;
      if (!thread && !failed && !stopped) start();
    },
    gate: () => hold.promise,
    async stop() {
      stopped = true;
      retire();
      await Promise.all(exiting);
    },
  };
}
