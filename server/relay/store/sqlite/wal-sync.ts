import fs from 'node:fs';
import path from 'node:path';

/** A durability barrier for one SQLite file in WAL mode opened with synchronous=NORMAL. */
export interface WalSync {
  /** Resolves once every commit made before the call is on disk (the WAL fsynced); coalesces concurrent callers. */
  sync(): Promise<void>;
  /** Waits for syncs in flight, then releases the file handle. */
  close(): Promise<void>;
}

/**
 * Makes commits durable with an fsync of the WAL on libuv's thread pool instead of inside the commit.
 *
 * With synchronous=FULL, SQLite fsyncs the WAL inside every COMMIT, and better-sqlite3 runs COMMIT on the event loop:
 * each webhook then stalls every other request for a whole fsync (3–20 ms on the disks we measured). With
 * synchronous=NORMAL, COMMIT only writes the WAL; fsyncing that same file before answering gives FULL's guarantee
 * for everything committed before the fsync began, while the loop goes on serving. Checkpoints still sync the WAL
 * before copying it into the database and the database after (NORMAL keeps those), and the WAL file keeps its
 * inode while any connection is open (checkpoints truncate or rewind it, never unlink it), so one handle serves.
 */
export function createWalSync(databaseFile: string, fsync: (fd: number) => Promise<void> = fsyncAsync): WalSync {
  const walFile = `${databaseFile}-wal`;
  let fd: number | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let closed = false;

  const handle = (): number => {
    if (fd === undefined) {
      fd = fs.openSync(walFile, 'r+');
      // The WAL's directory entry must survive too (once: the file is never recreated while we hold it).
      const dir = fs.openSync(path.dirname(walFile), 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
    }
    return fd;
  };
  const start = (): Promise<void> => {
    const p = Promise.resolve()
      .then(() => fsync(handle()))
      .finally(() => {
        if (running === p) running = undefined;
      });
    running = p;
    return p;
  };

  return {
    sync() {
      if (closed) return Promise.reject(new Error('relay store is closed'));
      if (!running) return start();
      // Commits made while an fsync runs may have missed it: one more fsync after it covers all of them.
      // (After a failed fsync too: that failure is its own callers'; these need an fsync of their own.)
      queued ??= running
        .catch(() => undefined)
        .then(() => {
          queued = undefined;
          return start();
        });
      return queued;
    },
    async close() {
      closed = true;
      await Promise.allSettled([running, queued]);
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    },
  };
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}
