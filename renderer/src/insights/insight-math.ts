import type { Booking } from '../../../common/booking';

export interface WeekRow {
  /** Monday of the week, yyyy-mm-dd (local). */
  readonly week: string;
  readonly label: string;
  readonly 30: number;
  readonly 60: number;
  readonly 90: number;
  readonly other: number;
}

export interface Rates {
  readonly total: number;
  readonly held: number;
  readonly noShows: number;
  readonly cancelled: number;
  /** Share of past sessions (held or no-show) where the client did not come. */
  readonly noShowRate: number | null;
  /** Share of all bookings in the period that were cancelled. */
  readonly cancellationRate: number | null;
}

/** Monday 00:00 local of the week containing `date`. */
export function weekStart(date: Date): Date {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const day = (d.getDay() + 6) % 7; // Monday = 0
  d.setDate(d.getDate() - day);
  return d;
}

const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** Bookings per week and service length over `weeks` weeks ending with the current one (cancelled ones left out). */
export function bookingsPerWeek(bookings: readonly Booking[], weeks: number, now: Date): WeekRow[] {
  const first = weekStart(now);
  first.setDate(first.getDate() - 7 * (weeks - 1));
  const rows = new Map<string, { 30: number; 60: number; 90: number; other: number; start: Date }>();
  for (let i = 0; i < weeks; i++) {
    const start = new Date(first);
    start.setDate(first.getDate() + 7 * i);
    rows.set(isoDay(start), { 30: 0, 60: 0, 90: 0, other: 0, start });
  }
  for (const b of bookings) {
    if (b.status === 'cancelled' || b.status === 'rejected' || b.status === 'rescheduled') continue;
    const row = rows.get(isoDay(weekStart(new Date(b.startTime))));
    if (!row) continue;
    if (b.duration === 30 || b.duration === 60 || b.duration === 90) row[b.duration] += 1;
    else row.other += 1;
  }
  const fmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
  return [...rows.entries()].map(([week, r]) => ({
    week,
    label: fmt.format(r.start),
    30: r[30],
    60: r[60],
    90: r[90],
    other: r.other,
  }));
}

/** No-show and cancellation rates over the bookings given (those in the chosen period). */
export function bookingRates(bookings: readonly Booking[], now: Date): Rates {
  let held = 0;
  let noShows = 0;
  let cancelled = 0;
  for (const b of bookings) {
    if (b.status === 'cancelled') cancelled += 1;
    else if (b.status === 'no-show' || b.attendee.noShow) noShows += 1;
    else if (b.status === 'completed' || (b.status === 'scheduled' && new Date(b.endTime) < now)) held += 1;
  }
  const past = held + noShows;
  return {
    total: bookings.length,
    held,
    noShows,
    cancelled,
    noShowRate: past > 0 ? noShows / past : null,
    cancellationRate: bookings.length > 0 ? cancelled / bookings.length : null,
  };
}
