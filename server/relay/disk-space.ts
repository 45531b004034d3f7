import fs from 'node:fs';

/**
 * The free space of the data folder's file system, for ingest to refuse new events before the disk fills: a full
 * disk fails every consultant's commits and can leave SQLite unable to checkpoint. Read at most once a second (one
 * statfs), in the background, so a webhook never waits on it; the first reading is taken at once, so a relay started
 * on a full disk refuses from its first request. `enabled` false: never read (free is always unknown).
 */
export function diskSpaceWatch(dir: string, enabled: boolean) {
  let free: number | undefined;
  let checkedAt = 0;
  let checking = false;
  const check = () => {
    checking = true;
    fs.statfs(dir, (err, stats) => {
      checking = false;
      checkedAt = Date.now();
      // Unknown after an error: keep the last reading rather than refuse every webhook.
      if (!err) free = stats.bavail * stats.bsize;
    });
  };
  if (enabled) {
    try {
      const stats = fs.statfsSync(dir);
      free = stats.bavail * stats.bsize;
    } catch {
      // unknown: the background check tries again
    }
    checkedAt = Date.now();
  }
  return {
    /** The last reading in bytes (undefined while unknown); starts a new reading when that one is old. */
    freeBytes(): number | undefined {
      if (enabled && !checking && Date.now() - checkedAt >= 1000) check();
      return free;
    },
  };
}
