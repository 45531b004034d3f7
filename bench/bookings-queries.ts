import { join } from 'node:path';
import type { BookingQuery } from '../common/booking';
import { openBookingStore } from '../main/core/bookings/booking-store';
import { bookingDbDir } from './booking-db';
import type { BenchContext, BenchResult, Figure } from './report';
import { percentile, summarize } from './stats';
import { attendeeFor } from './webhook-bodies';

/**
 * 5a. Bookings queries: the Bookings screen's calls (listBookings with each tab, status filter, date range, attendee
 * search and deeper pages of 200, as the screen pages; countBookings) against the store holding N bookings.
 * Baseline: store.get(uid), a primary-key read through the same store.
 */

const PAGE = 100; // the screen's BOOKING_PAGE_SIZE (renderer/src/bookings/use-booking-list.ts)

/** Runs the queries bench. */
export async function benchBookingsQueries(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const n = ctx.quick ? 10_000 : 100_000;
  const rounds = ctx.quick ? 5 : 30;
  // A slow shape on 100,000 rows can take seconds a call: bound each shape's samples by time as well as count.
  const budgetMs = ctx.quick ? 1_000 : 3_000;
  const minSamples = 3;
  const dir = bookingDbDir(ctx.workDir, n, ctx.log);
  const store = openBookingStore(join(dir, 'bookings.db'));
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const someone = attendeeFor(17);
  const shapes: Record<string, BookingQuery | 'counts'> = {
    'tab upcoming': { tab: 'upcoming', limit: PAGE },
    'tab past': { tab: 'past', limit: PAGE },
    'tab cancelled': { tab: 'cancelled', limit: PAGE },
    'tab all': { tab: 'all', limit: PAGE },
    'all, page 11': { tab: 'all', offset: 10 * PAGE, limit: PAGE },
    'past, page 26': { tab: 'past', offset: 25 * PAGE, limit: PAGE },
    'status cancelled': { tab: 'all', status: ['cancelled'], limit: PAGE },
    'status scheduled+completed': { tab: 'all', status: ['scheduled', 'completed'], limit: PAGE },
    'date range 30 days': {
      tab: 'all',
      startDate: iso(now - 45 * 86_400_000),
      endDate: iso(now - 15 * 86_400_000),
      limit: PAGE,
    },
    'search name': { tab: 'all', search: someone.name.split(' ')[1]?.toLowerCase() ?? 'lee', limit: PAGE },
    'search email fragment': { tab: 'all', search: someone.email.slice(0, 6), limit: PAGE },
    'search, no match': { tab: 'all', search: 'zz-nobody', limit: PAGE },
    'upcoming + search + status': { tab: 'upcoming', status: ['scheduled'], search: 'garcia', limit: PAGE },
    countBookings: 'counts',
  };
  const times: Record<string, number[]> = {};
  // The store caches totals and page positions until the data or the next booking end changes, so repeats of a
  // shape are cheaper than its first call: the first call (round -1) is reported apart, as what a new filter costs.
  const firstCall: Record<string, number> = {};
  const totals: Record<string, number> = {};
  const getTimes: number[] = [];
  try {
    const uids = store.list({ tab: 'all', limit: 500 }).items.map((b) => b.uid);
    const spent: Record<string, number> = {};
    for (let round = -1; round < rounds; round++) {
      for (const [name, q] of Object.entries(shapes)) {
        if (round >= minSamples && (spent[name] ?? 0) > budgetMs) continue;
        const t0 = performance.now();
        if (q === 'counts') store.counts();
        else totals[name] = store.list(q).total;
        const dt = performance.now() - t0;
        spent[name] = (spent[name] ?? 0) + dt;
        if (round >= 0) (times[name] ??= []).push(dt);
        else firstCall[name] = dt;
      }
      for (let k = 0; k < 10; k++) {
        const uid = uids[((round + 2) * 37 + k * 11) % uids.length] as string;
        const t0 = performance.now();
        store.get(uid);
        if (round >= 0) getTimes.push(performance.now() - t0);
      }
    }
  } finally {
    store.close();
  }
  const perShape = Object.fromEntries(
    Object.entries(times).map(([k, v]) => [k, { ...summarize(v), firstCallMs: firstCall[k], matched: totals[k] }]),
  );
  const worst = Object.entries(perShape).sort((a, b) => b[1].p95 - a[1].p95)[0];
  const baseline = percentile(getTimes, 95);
  const figures: Figure[] = [
    {
      name: `Bookings queries p95, all shapes (${n.toLocaleString('en-US')} bookings)`,
      value: percentile(Object.values(times).flat(), 95),
      unit: 'ms',
      baseline,
      baselineLabel: 'store.get(uid) p95 (primary-key read through the same store)',
      target: { op: '<=', value: 5, on: 'value' },
    },
    {
      name: `Bookings query p95, slowest shape (${worst?.[0] ?? '-'})`,
      value: worst?.[1].p95 ?? Number.NaN,
      unit: 'ms',
      baseline,
      baselineLabel: 'store.get(uid) p95 (primary-key read through the same store)',
      target: { op: '<=', value: 5, on: 'value' },
    },
  ];
  return {
    bench: 'bookings-queries',
    title: 'Bookings queries',
    figures,
    details: {
      bookings: n,
      maxRounds: rounds,
      budgetMsPerShape: budgetMs,
      pageSize: PAGE,
      perShape,
      get: summarize(getTimes),
    },
    seconds: (performance.now() - started) / 1000,
  };
}
