import { execFileSync } from 'node:child_process';

/**
 * Writes every dirty page on the machine to disk (sync(1)) and returns how long that took, in ms.
 *
 * A phase that wrote a lot (the ingest relay's database, tens of thousands of .eml files) leaves it in the page cache
 * on its way to disk, and ext4 flushes that data with the next journal commit: a following phase's fsyncs then wait
 * for the previous phase's files (an end-to-end run after the ingest bench measured p99 223 ms instead of 20–30 ms; a
 * paced run right after the ingest burst's 56,000 emails saw single SQLite commits take 50–130 ms in the fsync of a
 * restarted WAL's header). Flushing first lets each phase time its own work, not the last one's disk.
 */
export function flushDisk(): number {
  const started = performance.now();
  execFileSync('sync');
  return performance.now() - started;
}
