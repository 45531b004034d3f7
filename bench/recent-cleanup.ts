import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCacheDir } from './bundle';

/**
 * How long mass deletions weigh on new files: an ext4 without a journal (the shared bench machine's root) skips every
 * inode freed in the last 60 s, or 360 s while its inode-table block is dirty, when it allocates one. A run's work
 * folder holds tens of thousands of files or more (mostly `.eml`), so a run started this soon after another's
 * clean-up pays 4–10× more kernel time per file created in every `.eml`-writing figure (README, Performance).
 */
const SHADOW_MS = 360_000;
const stamp = () => join(benchCacheDir, 'last-cleanup');

/** Below this many files a deletion does not measurably slow the next run's (a quick run deletes a few hundred). */
const MASS = 10_000;

/** Notes that this run's work folder, of `files` files, has just been deleted. */
export function recordCleanup(files: number): void {
  if (files < MASS) return;
  mkdirSync(benchCacheDir, { recursive: true });
  writeFileSync(stamp(), JSON.stringify({ at: Date.now(), files }));
}

/** A warning when the previous run's clean-up is recent enough to skew this run's file-writing figures. */
export function recentCleanupWarning(now = Date.now()): string | undefined {
  let last: { at: number; files: number };
  try {
    last = JSON.parse(readFileSync(stamp(), 'utf8')) as { at: number; files: number };
  } catch {
    return undefined;
  }
  const ago = now - last.at;
  if (!(ago >= 0 && ago < SHADOW_MS)) return undefined;
  return (
    `warning: a previous run deleted its ${last.files.toLocaleString('en-US')} files ${Math.round(ago / 1000)} s ago; ` +
    `on ext4 without a journal creating files stays 4–10× dearer for up to ${SHADOW_MS / 60_000} min after that, ` +
    `which inflates the .eml-writing figures (relay CPU per webhook, mail drain). Wait ` +
    `${Math.ceil((SHADOW_MS - ago) / 1000)} s for clean figures.`
  );
}
