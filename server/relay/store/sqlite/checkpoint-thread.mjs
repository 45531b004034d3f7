// Worker thread of wal-checkpointer.ts: plain JavaScript, so it starts the same from sources, bundles and tests.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
// A checkpoint syncs the WAL before copying it and the database after, whatever this connection's setting.
db.pragma('synchronous = NORMAL');

let timer;
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (msg) => {
  if (msg === 'stop') {
    clearTimeout(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
timer = setTimeout(tick, workerData.intervalMs);
