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
 * The thread retires once webhooks have been quiet for a while: empty the WAL and cut the file to zero then, here
 * rather than in a commit on the relay's loop (cutting that file took 66 ms).
 *
 * A TRUNCATE checkpoint holds the writer lock for all of its work, and the relay may still be writing (the mail
 * drain runs on after a burst). Taken while the WAL still held a burst's uncopied frames, the lock was held for
 * seconds and the relay's writes failed with SQLITE_BUSY (a batch of 512 sent emails could not be recorded). So:
 * copy everything first with PASSIVE checkpoints, which take no lock from writers, and only when the WAL is fully
 * copied take the lock for the reset, waiting for nobody (busy timeout 0). If the relay keeps the WAL busy, the
 * file is left for the next time.
 */
function giveDiskBack() {
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
      if (passive.log === passive.checkpointed) {
        db.pragma('busy_timeout = 0');
        db.pragma('wal_checkpoint(TRUNCATE)');
        return;
      }
    }
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
