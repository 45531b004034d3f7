import type Database from 'better-sqlite3';
import type { BookingCounts, BookingQuery, BookingStatus } from '../../../common/booking';
import { bookingStatuses } from '../../../common/booking';
import type { BookingSql } from './booking-query';
import { buildBookingSql, whereClause } from './booking-query';
import type { ListCache } from './list-cache';
import { createListCache } from './list-cache';

/**
 * The Bookings screen's reads: a page of stored records with the total, per-status counts, and the completion
 * sweep they run first. What keeps a call within a few milliseconds at 100,000 bookings:
 * - totals and counts are cached (list-cache.ts): paging through one filter counts once;
 * - a page is found by walking the covering index in display order from a remembered position, or, for a rare
 *   search term or status, from those few rows;
 * - the sweep is a one-row index probe unless a scheduled booking has actually ended.
 */

/** Rows up to which a filter's own index drives the page (one row lookup or sort step each). Past this, the
 *  filter keeps enough of the rows that walking the covering index in display order reaches a page sooner. */
export const FEW_ROWS = 1_000;

/** Start times read back from a deep page's offset: runs of bookings starting together are rarely longer. */
const SEEK_WINDOW = 32;

export interface BookingLister {
  /** The page's stored records (JSON), in display order, and the number of bookings the filter selects. */
  list(query: BookingQuery, now: number): { readonly records: readonly string[]; readonly total: number };
  counts(now: number): BookingCounts;
  /** Scheduled bookings that have ended become completed; returns their uids. */
  sweep(now: number): string[];
  /** The store wrote bookings rows on this connection: cached figures are stale. */
  noteWrite(): void;
}

/** Where a page's rows come from: the FROM clause (ending in WHERE or AND), its parameters, and whether it walks
 *  the covering index in display order. */
interface Source {
  readonly from: string;
  readonly params: Params;
  readonly walk: boolean;
}

type Params = Readonly<Record<string, string | number>>;

/** A position in a filter's display order: the start time at an offset, and how many rows come before that time. */
interface Mark {
  readonly edge: number;
  readonly before: number;
}

export function createBookingLister(db: Database.Database): BookingLister {
  const prepared = new Map<string, Database.Statement>();
  // The SQL varies only with which filters are set: one prepared statement per shape.
  const statement = (sql: string): Database.Statement => {
    let st = prepared.get(sql);
    if (!st) prepared.set(sql, (st = db.prepare(sql)));
    return st;
  };
  const cache: ListCache = createListCache(db);

  // Scheduled bookings that have ended started before now + backwards_ms: in the status index that is the few
  // in progress plus any due, instead of every scheduled booking.
  const due = `has_data = 1 AND status = 'scheduled' AND start_ms <= @now + (SELECT backwards_ms FROM booking_spans) AND end_ms < @now`;
  const sweepDue = db.prepare(`SELECT 1 FROM bookings INDEXED BY bookings_status_start WHERE ${due} LIMIT 1`).pluck();
  const sweepRun = db
    .prepare(`UPDATE bookings INDEXED BY bookings_status_start SET status = 'completed' WHERE ${due} RETURNING uid`)
    .pluck();
  const sweep = (now: number): string[] => {
    if (!sweepDue.get({ now })) return [];
    const uids = sweepRun.all({ now }) as string[];
    if (uids.length > 0) cache.noteWrite();
    return uids;
  };

  const countRows = db.prepare(
    'SELECT status, count(*) AS n FROM bookings INDEXED BY bookings_status_start WHERE has_data = 1 GROUP BY status',
  );
  const statusCounts = (now: number): BookingCounts =>
    cache.get('counts', false, now, () => {
      const counts = Object.fromEntries(bookingStatuses.map((s) => [s, 0])) as Record<BookingStatus, number>;
      for (const row of countRows.all() as { status: BookingStatus; n: number }[]) counts[row.status] = row.n;
      return counts;
    });
  const candidates = db
    .prepare(`SELECT rowid FROM bookings_fts WHERE bookings_fts MATCH ? LIMIT ${FEW_ROWS + 1}`)
    .pluck();

  /**
   * Where the rows come from. Walking the covering index in display order reads about (offset + limit) / share of
   * the entries, so a filter that keeps few rows (a rare search term, a rare status) is answered from those rows
   * instead: the trigram index's candidates, or the status index (then sorted). Every path applies the whole
   * WHERE; only the cost differs.
   */
  const source = (sql: BookingSql, now: number): Source => {
    const match = sql.match;
    const byStatus = sql.statuses
      ? sql.statuses.reduce((n, s) => n + statusCounts(now)[s], 0)
      : Number.POSITIVE_INFINITY;
    const ids =
      match === null ? null : cache.get(`candidates ${match}`, false, now, () => candidates.all(match) as number[]);
    const bySearch = ids ? ids.length : Number.POSITIVE_INFINITY;
    if (Math.min(byStatus, bySearch) > FEW_ROWS)
      return { from: 'bookings INDEXED BY bookings_list WHERE', params: sql.params, walk: true };
    if (ids && bySearch <= byStatus) {
      // The LIKE in the filter stays: it re-checks each candidate, so the trigram index can only narrow.
      return {
        from: 'bookings WHERE rowid IN (SELECT value FROM json_each(@ids)) AND',
        params: { ...sql.params, ids: JSON.stringify(ids) },
        walk: false,
      };
    }
    return { from: 'bookings INDEXED BY bookings_status_start WHERE', params: sql.params, walk: false };
  };

  /** Counting a filter on status (and start time) alone: the status index holds every column it needs. */
  const countFrom = (sql: BookingSql, src: Source): string =>
    src.walk && sql.statuses && !sql.timed && sql.params.like === undefined
      ? 'bookings INDEXED BY bookings_status_start WHERE'
      : src.from;

  /**
   * Finds where the page at sql.offset starts, on the covering index, without OFFSET: the index is in start order,
   * but the rowid tie-break sorts each run of equal start times, and OFFSET would push every skipped row through
   * that sort. So: read the start times just before and at the offset (index order, no sort) and count the rows
   * at the offset's start time that precede it. Null when past the end.
   */
  const position = (sql: BookingSql, src: Source): Mark | null => {
    const from = Math.max(0, sql.offset - SEEK_WINDOW);
    const starts = statement(
      `SELECT start_ms FROM ${src.from} ${whereClause(sql)} ORDER BY start_ms ${sql.ascending ? 'ASC' : 'DESC'} LIMIT @n OFFSET @from`,
    )
      .pluck()
      .all({ ...src.params, n: sql.offset - from + 1, from }) as number[];
    const edge = starts[sql.offset - from];
    if (edge === undefined) return null;
    let same = 0;
    while (same < starts.length && starts[starts.length - 1 - same] === edge) same += 1;
    if (same < starts.length || from === 0) return { edge, before: sql.offset - same + 1 };
    // A run of equal start times longer than the window: count the rows before it.
    const before = statement(
      `SELECT count(*) FROM ${src.from} ${whereClause(sql)} AND start_ms ${sql.ascending ? '<' : '>'} @edge`,
    )
      .pluck()
      .get({ ...src.params, edge }) as number;
    return { edge, before };
  };

  /** The page's rows as [record, start_ms], plus the row after it (walks only: it marks where the next page starts). */
  const pageRows = (sql: BookingSql, src: Source, now: number): (readonly [string, number])[] | null => {
    let where = whereClause(sql);
    let params = src.params;
    let offset = sql.offset;
    if (src.walk && sql.offset > 0) {
      const key = `mark ${sql.key} ${sql.offset}`;
      const mark = cache.peek<Mark>(key, now) ?? position(sql, src);
      if (!mark) return null;
      cache.put(key, sql.timed, now, mark);
      where = whereClause(sql, '@edge');
      params = { ...params, edge: mark.edge };
      offset = sql.offset - mark.before;
    }
    // Deferred join: find the page's rows through the index, then read only their ~1 KB records.
    const outerOrder = sql.orderBy.replace(/\b(start_ms|rowid)\b/g, 'b.$1');
    return statement(
      `SELECT b.record, b.start_ms FROM (SELECT rowid AS id FROM ${src.from} ${where} ORDER BY ${sql.orderBy} LIMIT @limit OFFSET @offset) AS page
         JOIN bookings b ON b.rowid = page.id ORDER BY ${outerOrder}`,
    )
      .raw()
      .all({ ...params, limit: sql.limit + (src.walk ? 1 : 0), offset }) as [string, number][];
  };

  /** Remembers where the page after this one starts, so scrolling on walks one page, not every row before it. */
  const markNext = (sql: BookingSql, rows: readonly (readonly [string, number])[], now: number): void => {
    const edge = rows[sql.limit]?.[1];
    if (edge === undefined) return;
    let same = 0;
    while (same < sql.limit && rows[sql.limit - 1 - same]?.[1] === edge) same += 1;
    // If the whole page shares the next row's start time, rows before the page may too: leave it to position().
    if (same < sql.limit)
      cache.put(`mark ${sql.key} ${sql.offset + sql.limit}`, sql.timed, now, {
        edge,
        before: sql.offset + sql.limit - same,
      });
  };

  return {
    list(query, now) {
      const sql = buildBookingSql(query, now);
      const src = source(sql, now);
      const total = cache.get(
        `total ${sql.key}`,
        sql.timed,
        now,
        () =>
          statement(`SELECT count(*) FROM ${countFrom(sql, src)} ${whereClause(sql)}`)
            .pluck()
            .get(src.params) as number,
      );
      const rows = pageRows(sql, src, now);
      if (!rows) return { records: [], total };
      if (src.walk) markNext(sql, rows, now);
      return { records: rows.slice(0, sql.limit).map((r) => r[0]), total };
    },
    counts: (now) => ({ ...statusCounts(now) }),
    sweep,
    noteWrite: () => cache.noteWrite(),
  };
}
