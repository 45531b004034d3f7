import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookEnvelope } from '../common/calcom';
import { openBookingStore } from '../main/core/bookings/booking-store';
import { cancelledBody, createdBody } from './webhook-bodies';

/**
 * Bookings databases for the query, renderer and app-start benches, filled through the store's own apply path
 * (store.applyEvent with Cal.com envelopes from the sandbox's builders), so rows, indexes and the JSON records are
 * exactly what sync writes. One database per size per run, reused by every bench that needs that size.
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

/** Returns the folder holding `bookings.db` with `n` bookings, creating it on first use; logs progress. */
export function bookingDbDir(workDir: string, n: number, log: (msg: string) => void): string {
  const dir = join(workDir, `bookings-${n}`);
  const file = join(dir, 'bookings.db');
  if (existsSync(file)) return dir;
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const store = openBookingStore(file);
  const now = Date.now();
  try {
    for (let i = 0; i < n; i++) {
      const start = startOf(i, n, now);
      const created = createdBody(i, start, `bk${i.toString(36).padStart(6, '0')}x${(i * 2654435761) % 1e9}`);
      // The builders' output is the schema's shape (golden-tested); parsing each with zod would only slow setup.
      store.applyEvent(JSON.parse(created.body) as WebhookEnvelope);
      if (isCancelled(i)) store.applyEvent(JSON.parse(cancelledBody(i, start, created.uid)) as WebhookEnvelope);
      if (i > 0 && i % 20_000 === 0) log(`  bookings db: ${i.toLocaleString('en-US')} / ${n.toLocaleString('en-US')}`);
    }
  } finally {
    store.close();
  }
  log(`  bookings db: ${n.toLocaleString('en-US')} bookings in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}
