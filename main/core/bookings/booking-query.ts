import type { BookingQuery } from '../../../common/booking';
import { bookingQuerySchema } from '../../../common/booking';
import { assertNever } from '../../../common/errors';

/** A WHERE clause with its parameters and the ORDER BY that goes with the tab. */
export interface BookingSql {
  readonly where: string;
  readonly params: readonly (string | number)[];
  readonly orderBy: string;
  readonly limit: number;
  readonly offset: number;
}

/** Statuses that are over without having taken place: they live in the Cancelled tab. */
const closedStatuses = ['cancelled', 'rescheduled', 'rejected'] as const;
const closedList = closedStatuses.map((s) => `'${s}'`).join(', ');

/** Escapes LIKE wildcards so a search for `50%_off` matches literally (paired with ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The text searched for a booking: attendee and guest names and emails, lower-cased. */
export function searchText(people: readonly { readonly name: string; readonly email: string }[]): string {
  return people.map((p) => `${p.name}\u0001${p.email}`).join('\u0002').toLowerCase();
}

/**
 * Builds the SQL for the Bookings screen. Tabs: upcoming = not closed and not yet ended (soonest first);
 * past = not closed and ended (latest first); cancelled = cancelled, rescheduled or rejected; all.
 * Date range filters on the start time, both ends inclusive.
 */
export function buildBookingSql(input: BookingQuery, now: number): BookingSql {
  const q = bookingQuerySchema.parse(input);
  const where: string[] = ['has_data = 1'];
  const params: (string | number)[] = [];
  // rowid breaks ties: it is in every index entry, so the page's order never needs the wide table rows.
  let orderBy = 'start_ms DESC, rowid DESC';
  switch (q.tab) {
    case 'upcoming':
      where.push(`status NOT IN (${closedList})`, 'end_ms > ?');
      params.push(now);
      orderBy = 'start_ms ASC, rowid ASC';
      break;
    case 'past':
      where.push(`status NOT IN (${closedList})`, 'end_ms <= ?');
      params.push(now);
      break;
    case 'cancelled':
      where.push(`status IN (${closedList})`);
      break;
    case 'all':
      break;
    default:
      assertNever(q.tab);
  }
  if (q.status && q.status.length > 0) {
    where.push(`status IN (${q.status.map(() => '?').join(', ')})`);
    params.push(...q.status);
  }
  if (q.startDate) {
    where.push('start_ms >= ?');
    params.push(Date.parse(q.startDate));
  }
  if (q.endDate) {
    where.push('start_ms <= ?');
    params.push(Date.parse(q.endDate));
  }
  const search = q.search?.trim().toLowerCase();
  if (search) {
    where.push("search LIKE ? ESCAPE '\\'");
    params.push(`%${escapeLike(search)}%`);
  }
  return { where: where.join(' AND '), params, orderBy, limit: q.limit, offset: q.offset };
}
