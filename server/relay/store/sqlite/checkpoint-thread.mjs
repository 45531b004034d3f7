// Worker thread of wal-checkpointer.ts: plain JavaScript, so it starts the same from sources, bundles and tests.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
// A checkpoint syncs the WAL before copying it and the database after, whatever this connection's setting.
db.pragma('synchronous = NORMAL');

const report = (err) =>
  parentPort.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });

const passive = () => db.pragma('wal_checkpoint(PASSIVE)')[0];

/**
 * PASSIVE checkpoints until one copies the whole WAL (log = checkpointed), at most `attempts`: they never take a lock
 * from the relay's writes, so a reader still on an older snapshot only makes them give up. Returns the WAL's length
 * once wholly copied (the relay's next commit then starts it over from its beginning), else undefined.
 */
function copyAll(attempts) {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const result = passive();
    if (result.log === result.checkpointed) return result.log;
  }
  return undefined;
}

/**
 * As the thread retires, copy what is left of the WAL so the relay's next commit starts it over instead of growing
 * it. The file keeps the size the WAL reached (SQLite deletes it when the relay closes the database).
 *
 * Cutting the file to zero instead (`wal_checkpoint(TRUNCATE)`, tried on 2026-12-04) holds the writer lock for the
 * reset and the ftruncate: 182 ms in one bench run and over 5 s in another, right after a burst while the disk was
 * writing back its emails. The relay's writes wait on that lock on its event loop, and past their 5 s busy timeout
 * they fail (SQLITE_BUSY: a batch of 512 sent emails could not be recorded). Disk is not worth that.
 */
function copyWhatIsLeft() {
  try {
    copyAll(5);
  } catch (err) {
    report(err);
  }
}

let nextHold = 1;
/** The hold asked for and not yet answered: its id and how to settle it. */
let asked;
/** Resolves true once the relay has stopped committing for a new hold, false if it did not say so in time. */
const askToHold = (id) =>
  new Promise((resolve) => {
    const settle = (ok) => {
      clearTimeout(late);
      asked = undefined;
      resolve(ok);
    };
    const late = setTimeout(() => settle(false), workerData.holdMs);
    asked = { id, settle };
    parentPort.postMessage({ type: 'hold', id });
  });

let timer;
let stopping = false;
/**
 * The WAL's length when a hold last copied (or tried to copy) all of it: the same length next tick means nothing was
 * committed since.
 */
let copiedLog;
/**
 * One PASSIVE checkpoint copies the WAL while the relay goes on committing. Under steady load commits land during
 * every such checkpoint, the WAL is never wholly copied and so never starts over: it grows at the end of its file for
 * as long as the load lasts (520 MB in 20 s at 1,000 webhooks/s with their emails, measured on 2026-12-05). So once
 * a checkpoint finds the WAL at `restartPages` or longer, the thread asks the relay to hold its writes
 * (wal-checkpointer.ts: they queue, the event loop goes on) while it copies the few pages committed during that
 * checkpoint, then lets them go: the next commit starts the WAL over.
 */
const tick = async () => {
  try {
    const result = passive();
    // A PASSIVE checkpoint reports the WAL as it was when it began, and copies all of that: whether commits landed
    // meanwhile it cannot say. The hold's checkpoint finds out, and costs a round trip when none did.
    if (result.log >= workerData.restartPages && result.log !== copiedLog) {
      const id = nextHold++;
      const holding = await askToHold(id);
      try {
        // A copy that could not finish (a reader on an older snapshot) is not asked for again until more is committed.
        copiedLog = holding && !stopping ? (copyAll(3) ?? result.log) : undefined;
      } finally {
        // Also for a hold answered too late: the relay lets its commits go on this (or its own timer).
        if (!stopping) parentPort.postMessage({ type: 'release', id });
      }
    }
  } catch (err) {
    report(err);
  }
  if (!stopping) timer = setTimeout(() => void tick(), workerData.intervalMs);
};
parentPort.on('message', (msg) => {
  if (msg?.type === 'held' && msg.id === asked?.id) asked.settle(true);
  else if (msg === 'stop') {
    stopping = true;
    clearTimeout(timer);
    asked?.settle(false);
    copyWhatIsLeft();
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
timer = setTimeout(() => void tick(), workerData.intervalMs);
