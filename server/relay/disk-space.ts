import fs from 'node:fs';

/**
 * Whether the data folder's file system still has `minFreeBytes` free, for ingest to refuse new events before the
 * disk fills: a full disk fails every consultant's commits and can leave SQLite unable to checkpoint. Read at most
 * once a second (one statfs), in the background, so a webhook never waits on it.
 */
export function diskSpaceWatch(dir: string, minFreeBytes: number, onLow: (freeBytes: number) => void = () => {}) {
  let low = false;
  let checkedAt = 0;
  let checking = false;
  const check = () => {
    checking = true;
    fs.statfs(dir, (err, stats) => {
      checking = false;
      checkedAt = Date.now();
      if (err) return; // unknown: keep the last answer rather than refuse every webhook
      const free = stats.bavail * stats.bsize;
      const wasLow = low;
      low = free < minFreeBytes;
      if (low && !wasLow) onLow(free);
    });
  };
  if (minFreeBytes > 0) {
    // The first answer before the first webhook: a relay started on a full disk refuses from its first request.
    try {
      const stats = fs.statfsSync(dir);
      low = stats.bavail * stats.bsize < minFreeBytes;
      if (low) onLow(stats.bavail * stats.bsize);
    } catch {
      // unknown: the background check tries again
    }
    checkedAt = Date.now();
  }
  return {
    /** The last answer (false until the first check has run); starts a new check when that one is old. */
    isLow(): boolean {
      if (minFreeBytes > 0 && !checking && Date.now() - checkedAt >= 1000) check();
      return low;
    },
  };
}
