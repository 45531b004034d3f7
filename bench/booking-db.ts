import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookEnvelope } from '../common/calcom';
import { openBookingStore } from '../main/core/bookings/booking-store';
import { benchCacheDir } from './bundle';
import { repoRoot } from './server-process';
import { cancelledBody, createdBody } from './webhook-bodies';

/**
 * Bookings databases for the query, renderer and app-start benches, filled through the store's own apply path
 * (store.applyEvent with Cal.com envelopes from the sandbox's builders), so rows, indexes and the JSON records are
 * exactly what sync writes. Generating 100,000 takes minutes on a busy 2-core machine, so a finished database is
 * cached in node_modules/.cache, keyed by the size, today's date (start times are relative to now) and a hash of
 * the source files that shape its content: any change to the store, its schema or the builders makes a new one.
 */

const DAY = 86_400_000;

/** Where booking `i` of `n` starts: spread over two years back and one year ahead, on the hour, shuffled. */
export function startOf(i: number, n: number, now: number): number {
  const slot = (i * 7919) % n; // 7919 is prime, so this permutes 0..n-1 for any n not divisible by it
  const from = now - 730 * DAY;
  return Math.floor((from + (slot * 1095 * DAY) / n) / 3_600_000) * 3_600_000;
}

/** True for the bookings that are cancelled after being created (one in ten). */
export const isCancelled = (i: number): boolean => i % 10 === 3;

/** Files outside main/core/bookings whose content shapes a generated database (payload builders, schemas). */
const shapingFiles = [
  'common/booking.ts',
  'common/calcom.ts',
  'server/calcom-sandbox/webhook-payload.ts',
  'server/calcom-sandbox/state.ts',
  'server/calcom-sandbox/time-zones.ts',
  'bench/booking-db.ts',
  'bench/webhook-bodies.ts',
];

/** A hash of the sources that decide what a generated database contains: the whole store, and shapingFiles. */
function sourceHash(): string {
  const h = createHash('sha256');
  const store = readdirSync(join(repoRoot, 'main/core/bookings'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()
    .map((f) => join('main/core/bookings', f));
  for (const f of [...store, ...shapingFiles]) h.update(f).update(readFileSync(join(repoRoot, f)));
  return h.digest('hex').slice(0, 16);
}

function generate(file: string, n: number, log: (msg: string) => void): void {
  const started = performance.now();
  const store = openBookingStore(file);
  const now = Date.now();
  try {
    // A thousand bookings a transaction, as catch-up applies a page of events: one commit each, not one per event.
    for (let from = 0; from < n; from += 1_000) {
      store.transaction(() => {
        for (let i = from; i < Math.min(n, from + 1_000); i++) {
          const start = startOf(i, n, now);
          const created = createdBody(i, start, `bk${i.toString(36).padStart(6, '0')}x${(i * 2654435761) % 1e9}`);
          // The builders' output is the schema's shape (golden-tested); parsing each with zod would only slow setup.
          store.applyEvent(JSON.parse(created.body) as WebhookEnvelope);
          if (isCancelled(i)) store.applyEvent(JSON.parse(cancelledBody(i, start, created.uid)) as WebhookEnvelope);
        }
      });
      if (from > 0 && from % 20_000 === 0)
        log(`  bookings db: ${from.toLocaleString('en-US')} / ${n.toLocaleString('en-US')}`);
    }
  } finally {
    store.close();
  }
  log(
    `  bookings db: generated ${n.toLocaleString('en-US')} bookings in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** Returns a folder of this run holding `bookings.db` with `n` bookings (from the cache, or generated and cached). */
export function bookingDbDir(workDir: string, n: number, log: (msg: string) => void): string {
  const dir = join(workDir, `bookings-${n}`);
  const file = join(dir, 'bookings.db');
  if (existsSync(file)) return dir;
  mkdirSync(dir, { recursive: true });
  const key = `bookings-${n}-${new Date().toISOString().slice(0, 10)}-${sourceHash()}.db`;
  const cached = join(benchCacheDir, key);
  if (existsSync(cached)) {
    copyFileSync(cached, file);
    log(`  bookings db: ${n.toLocaleString('en-US')} bookings from the cache (${key})`);
    return dir;
  }
  generate(file, n, log);
  mkdirSync(benchCacheDir, { recursive: true });
  // Keep one database per size: older keys for this size are stale by construction.
  for (const f of readdirSync(benchCacheDir))
    if (f.startsWith(`bookings-${n}-`)) rmSync(join(benchCacheDir, f), { force: true });
  copyFileSync(file, cached);
  return dir;
}
