import type { BookingQuery, BookingStatus } from '../../../common/booking';
import { bookingQuerySchema } from '../../../common/booking';
import { assertNever } from '../../../common/errors';

/**
 * The Bookings screen's filter as SQL over the covering index's columns (has_data, status, start_ms, end_ms,
 * search), with named parameters, the ORDER BY that goes with the tab, and what the list needs to pick a plan
 * and cache the total. The start-time range is kept apart (`low`, `high`) so it can be narrowed and still be
 * one index range: SQLite uses only one bound per side for the range, any other is checked row by row.
 */
export interface BookingSql {
  /** Every condition except the start-time range. */
  readonly filter: string;
  /** SQL expressions: start_ms >= each of `low` and <= each of `high`. */
  readonly low: readonly string[];
  readonly high: readonly string[];
  readonly params: Readonly<Record<string, string | number>>;
  readonly orderBy: string;
  /** Display order is start time ascending (Upcoming) rather than descending; ties go by rowid the same way. */
  readonly ascending: boolean;
  readonly limit: number;
  readonly offset: number;
  /** The trigram-index MATCH expression for the search, or null (no search, or one the index cannot answer). */
  readonly match: string | null;
  /** The only statuses the filter admits, when it names them (Cancelled tab, status filter); null otherwise. */
  readonly statuses: readonly BookingStatus[] | null;
  /** True when the rows depend on the time (the Upcoming and Past tabs compare end_ms with now). */
  readonly timed: boolean;
  /** The filter without the page and the time: equal keys select the same rows at the same moment. */
  readonly key: string;
}

/** The WHERE clause; `seek` (an expression) also bounds the start time on the side the display order starts from. */
export function whereClause(sql: BookingSql, seek?: string): string {
  const low = sql.ascending && seek ? [...sql.low, seek] : sql.low;
  const high = !sql.ascending && seek ? [...sql.high, seek] : sql.high;
  const one = (fn: string, xs: readonly string[]) => (xs.length === 1 ? (xs[0] as string) : `${fn}(${xs.join(', ')})`);
  return [
    sql.filter,
    ...(low.length ? [`start_ms >= ${one('max', low)}`] : []),
    ...(high.length ? [`start_ms <= ${one('min', high)}`] : []),
  ].join(' AND ');
}

/** Statuses that are over without having taken place: they live in the Cancelled tab. */
const closedStatuses: readonly BookingStatus[] = ['cancelled', 'rescheduled', 'rejected'];
const closedList = closedStatuses.map((s) => `'${s}'`).join(', ');
// Same as NOT IN (closedList) for a NOT NULL column, and half the cost per index entry walked.
const notClosed = closedStatuses.map((s) => `status <> '${s}'`).join(' AND ');

/** Escapes LIKE wildcards so a search for `50%_off` matches literally (paired with ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The text searched for a booking: attendee and guest names and emails, lower-cased. */
export function searchText(people: readonly { readonly name: string; readonly email: string }[]): string {
  return people
    .map((p) => `${p.name}\u0001${p.email}`)
    .join('\u0002')
    .toLowerCase();
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The FTS5 phrase that finds `search` (already lower-cased) as a substring through the trigram index, or null
 * when only the LIKE scan can answer: under 3 characters there is no trigram to look up, and control characters
 * or broken UTF-16 are left to LIKE rather than to FTS5's query parser. A phrase of consecutive trigrams matches
 * exactly where the text contains the string, so both paths find the same rows.
 */
export function trigramPhrase(search: string): string | null {
  if ([...search].length < 3) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rules out
  if (/[\u0000-\u001f\u007f]/.test(search) || loneSurrogate.test(search)) return null;
  return `"${search.replace(/"/g, '""')}"`;
}

/**
 * Builds the SQL for the Bookings screen. Tabs: upcoming = not closed and not yet ended (soonest first);
 * past = not closed and ended (latest first); cancelled = cancelled, rescheduled or rejected; all.
 * Date range filters on the start time, both ends inclusive.
 */
export function buildBookingSql(input: BookingQuery, now: number): BookingSql {
  const q = bookingQuerySchema.parse(input);
  const filter: string[] = ['has_data = 1'];
  const low: string[] = [];
  const high: string[] = [];
  const params: Record<string, string | number> = {};
  // rowid breaks ties: it is in every index entry, so the page's order never needs the wide table rows.
  let orderBy = 'start_ms DESC, rowid DESC';
  switch (q.tab) {
    case 'upcoming':
      filter.push(notClosed, 'end_ms > @now');
      // Implied by end_ms > now (no booking's end is further than longest_ms after its start), and it lets the
      // walk in start order begin near now instead of two years back.
      low.push('@now - (SELECT longest_ms FROM booking_spans)');
      params.now = now;
      orderBy = 'start_ms ASC, rowid ASC';
      break;
    case 'past':
      filter.push(notClosed, 'end_ms <= @now');
      // Likewise: start - end never exceeds backwards_ms (0 unless Cal.com sent an end before the start).
      high.push('@now + (SELECT backwards_ms FROM booking_spans)');
      params.now = now;
      break;
    case 'cancelled':
      filter.push(`status IN (${closedList})`);
      break;
    case 'all':
      break;
    default:
      assertNever(q.tab);
  }
  if (q.status && q.status.length > 0) {
    filter.push(`status IN (${q.status.map((_, i) => `@status${i}`).join(', ')})`);
    q.status.forEach((s, i) => (params[`status${i}`] = s));
  }
  const startMs = q.startDate ? Date.parse(q.startDate) : undefined;
  const endMs = q.endDate ? Date.parse(q.endDate) : undefined;
  if (startMs !== undefined) {
    low.push('@startMs');
    params.startMs = startMs;
  }
  if (endMs !== undefined) {
    high.push('@endMs');
    params.endMs = endMs;
  }
  const search = q.search?.trim().toLowerCase();
  if (search) {
    filter.push("search LIKE @like ESCAPE '\\'");
    params.like = `%${escapeLike(search)}%`;
  }
  const tabAdmits = (s: BookingStatus): boolean =>
    q.tab === 'cancelled' ? closedStatuses.includes(s) : q.tab === 'all' || !closedStatuses.includes(s);
  const named = q.status && q.status.length > 0 ? q.status : q.tab === 'cancelled' ? closedStatuses : null;
  return {
    filter: filter.join(' AND '),
    low,
    high,
    params,
    orderBy,
    ascending: q.tab === 'upcoming',
    limit: q.limit,
    offset: q.offset,
    match: search ? trigramPhrase(search) : null,
    statuses: named ? named.filter(tabAdmits) : null,
    timed: q.tab === 'upcoming' || q.tab === 'past',
    key: JSON.stringify([q.tab, q.status ?? [], startMs ?? null, endMs ?? null, search ?? '']),
  };
}
