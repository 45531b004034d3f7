import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** A running checkpointer; stop() before closing the database. */
export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** SQLite's default: checkpoint once the WAL holds 1,000 pages. Restored whenever the worker is gone. */
const AUTO_PAGES = 1000;

/**
 * Moves the relay's WAL checkpoints off the event loop. By default SQLite checkpoints inside the COMMIT that crosses
 * 1,000 WAL pages (about every 200 webhooks with their emails): copying ~4 MB into the database and two fsyncs,
 * during which no request is served — the relay's worst latencies. Here a worker thread with its own connection
 * runs a PASSIVE checkpoint every `intervalMs` (it never blocks writers) and the relay's connection stops
 * checkpointing once that worker is up. If the worker fails or exits, the connection checkpoints itself again.
 */
export function startWalCheckpointer(
  db: Database.Database,
  opts: { intervalMs?: number; onError: (err: Error) => void; entry?: URL },
): WalCheckpointer {
  const worker = new Worker(opts.entry ?? new URL('./checkpoint-thread.mjs', import.meta.url), {
    workerData: { file: db.name, intervalMs: opts.intervalMs ?? 500 },
  });
  worker.unref();
  let stopping = false;
  const fallBack = (err: Error) => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
    if (!stopping) opts.onError(err);
  };
  worker.on('message', (msg: { type: string; message?: string }) => {
    if (msg.type === 'ready' && !stopping && db.open) db.pragma('wal_autocheckpoint = 0');
    else if (msg.type === 'error') opts.onError(new Error(`WAL checkpoint failed: ${msg.message ?? 'unknown'}`));
  });
  worker.on('error', fallBack);
  worker.on('exit', (code) => {
    if (!stopping) fallBack(new Error(`WAL checkpoint thread exited (${code})`));
  });
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}
