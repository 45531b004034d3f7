// Worker thread of wal-checkpointer.ts: plain JavaScript, so it starts the same from sources, bundles and tests.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
// A checkpoint syncs the WAL before copying it and the database after, whatever this connection's setting.
db.pragma('synchronous = NORMAL');

const report = (err) =>
  parentPort.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });

/**
 * As the thread retires, copy what is left of the WAL into the database with PASSIVE checkpoints, which never take
 * a lock from the relay's writes; the relay's next commit then starts the WAL over from its beginning instead of
 * growing it. The file keeps the size a burst gave it (SQLite deletes it when the relay closes the database).
 *
 * Cutting the file to zero instead (`wal_checkpoint(TRUNCATE)`, tried on 2026-12-04) holds the writer lock for the
 * reset and the ftruncate: 182 ms in one bench run and over 5 s in another, right after a burst while the disk was
 * writing back its emails. The relay's writes wait on that lock on its event loop, and past their 5 s busy timeout
 * they fail (SQLITE_BUSY: a batch of 512 sent emails could not be recorded). Disk is not worth that.
 */
function copyWhatIsLeft() {
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
      if (passive.log === passive.checkpointed) return;
    }
  } catch (err) {
    report(err);
  }
}

/**
 * The WAL header's salts (bytes 16-23), which SQLite changes each time the WAL starts over: two ticks reading the same
 * salts saw one WAL, so a longer log between them is growth and not a new WAL filled a little further than the last.
 * Null when the header cannot be read; the length rule alone then decides.
 */
const saltBytes = Buffer.alloc(8);
let walFd;
const salt = () => {
  try {
    walFd ??= fs.openSync(`${workerData.file}-wal`, 'r');
    return fs.readSync(walFd, saltBytes, 0, 8, 16) === 8 ? saltBytes.toString('hex') : null;
  } catch {
    return null;
  }
};
const sameWal = (a, b) => a === null || b === null || a === b;

let timer;
// Ticks in a row after which the WAL was longer than before: it has not started over in between.
let grown = 0;
let lastLog = 0;
let lastSalt = null;
const tick = () => {
  try {
    const before = salt();
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    const after = salt();
    // The WAL starts over only at a commit that finds it wholly copied; a commit landing during each checkpoint
    // keeps that from happening and the WAL grows at the end of its file. Two checkpoints in a row that find the same
    // WAL longer than the last, and long: say so (wal-checkpointer.ts). One large commit grows it once, not twice.
    const startedOver = !sameWal(lastSalt, before);
    grown = !startedOver && sameWal(before, after) && passive.log > lastLog ? grown + 1 : 0;
    // A WAL that started over during this checkpoint: its length is not comparable with the next tick's.
    lastLog = sameWal(before, after) ? passive.log : Infinity;
    lastSalt = after;
    if (grown >= 2 && passive.log > workerData.behindPages) {
      parentPort.postMessage({ type: 'behind' });
    }
  } catch (err) {
    report(err);
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (msg) => {
  if (msg === 'stop') {
    clearTimeout(timer);
    copyWhatIsLeft();
    if (walFd !== undefined) fs.closeSync(walFd);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
timer = setTimeout(tick, workerData.intervalMs);
