// Worker thread of wal-checkpointer.ts: plain JavaScript, so it starts the same from sources, bundles and tests.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
// A checkpoint syncs the WAL before copying it and the database after, whatever this connection's setting.
db.pragma('synchronous = NORMAL');

const report = (err) =>
  parentPort.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });

/**
 * While commits keep coming, PASSIVE checkpoints copy the WAL into the database but the WAL never starts over, so
 * after a burst it is as large as everything written during it (270 MB after the ingest bench's 56,000 webhooks).
 * The thread retires once the relay has been quiet for a while: empty the WAL and cut the file to zero then, here
 * rather than in a commit on the relay's loop (cutting that file took 66 ms). A relay writing meanwhile waits for it
 * like for any checkpoint; if one holds the WAL longer than the short timeout, the file is left for the next time.
 */
function giveDiskBack() {
  try {
    db.pragma('busy_timeout = 250');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (err) {
    report(err);
  }
}

let timer;
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    report(err);
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (msg) => {
  if (msg === 'stop') {
    clearTimeout(timer);
    giveDiskBack();
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
timer = setTimeout(tick, workerData.intervalMs);
