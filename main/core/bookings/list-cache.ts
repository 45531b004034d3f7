import type Database from 'better-sqlite3';

/**
 * Figures the Bookings screen's reads can reuse (totals, per-status counts, search candidates, page positions),
 * each valid while the bookings table is unchanged and, for the time-dependent tabs, until the next booking ends.
 * Own writes are counted by the store (`noteWrite`); PRAGMA data_version moves when another connection commits.
 */
export interface ListCache {
  /** The cached value, or `compute()` cached. `timed`: the value depends on now through end_ms. */
  get<T>(key: string, timed: boolean, now: number, compute: () => T): T;
  /** The cached value, if still valid. */
  peek<T>(key: string, now: number): T | undefined;
  put<T>(key: string, timed: boolean, now: number, value: T): void;
  noteWrite(): void;
}

interface Entry {
  readonly generation: string;
  /** Valid for now in [from, until). */
  readonly from: number;
  readonly until: number;
  readonly value: unknown;
}

/** Entries kept at most (a screen uses a handful of filters; the cap only bounds memory). */
const CAP = 512;

export function createListCache(db: Database.Database): ListCache {
  let writes = 0;
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const generation = (): string => `${writes}:${String(dataVersion.get())}`;
  const entries = new Map<string, Entry>();

  // The first end after `now`: until then no booking crosses from Upcoming to Past. Found near now in start
  // order: a booking ending after now starts after now - longest_ms, and one ending before `end` (some end after
  // now) starts before end + backwards_ms. Usually a handful of index entries.
  const someEndAfter = db
    .prepare(
      `SELECT end_ms FROM bookings INDEXED BY bookings_list
       WHERE has_data = 1 AND start_ms >= @now - (SELECT longest_ms FROM booking_spans) AND end_ms > @now ORDER BY start_ms LIMIT 1`,
    )
    .pluck();
  const firstEndAfter = db
    .prepare(
      `SELECT min(end_ms) FROM bookings INDEXED BY bookings_list
       WHERE has_data = 1 AND start_ms >= @now - (SELECT longest_ms FROM booking_spans)
         AND start_ms <= @end + (SELECT backwards_ms FROM booking_spans) AND end_ms > @now`,
    )
    .pluck();
  const nextEnd = (now: number): number => {
    const end = someEndAfter.get({ now }) as number | undefined;
    return end === undefined ? Number.POSITIVE_INFINITY : (firstEndAfter.get({ now, end }) as number);
  };

  const peek = <T>(key: string, now: number, gen = generation()): T | undefined => {
    const hit = entries.get(key);
    return hit && hit.generation === gen && now >= hit.from && now < hit.until ? (hit.value as T) : undefined;
  };
  const put = <T>(key: string, timed: boolean, now: number, value: T, gen = generation()): void => {
    if (entries.size >= CAP) entries.clear();
    entries.set(key, {
      generation: gen,
      from: timed ? now : Number.NEGATIVE_INFINITY,
      until: timed ? nextEnd(now) : Number.POSITIVE_INFINITY,
      value,
    });
  };

  return {
    get<T>(key: string, timed: boolean, now: number, compute: () => T): T {
      // The generation is read before computing: a commit by another connection meanwhile only costs a recount.
      const gen = generation();
      const hit = peek<T>(key, now, gen);
      if (hit !== undefined) return hit;
      const value = compute();
      put(key, timed, now, value, gen);
      return value;
    },
    peek: (key, now) => peek(key, now),
    put: (key, timed, now, value) => put(key, timed, now, value),
    noteWrite() {
      writes += 1;
    },
  };
}
