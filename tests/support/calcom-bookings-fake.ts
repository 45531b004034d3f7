import type { V2Booking } from '../../common/calcom';
import type { BookingPageQuery, BookingsSource, RawBookingPage } from '../../main/core/sync/sync-types';

/**
 * An in-memory GET /v2/bookings for reconciler tests: filters `after…` inclusively, sorts oldest first with ties in
 * an order the caller cannot rely on (by id here), pages by take/skip — as Cal.com does. `beforePage` runs before
 * each page is answered, so a test can change bookings while a client pages through them. Items may be anything
 * (a booking the app cannot read is just an object that does not fit).
 */
export class FakeCalcomBookings implements BookingsSource {
  readonly items = new Map<string, Record<string, unknown>>();
  readonly asked: BookingPageQuery[] = [];
  beforePage: (call: number) => void = () => undefined;
  private nextId = 1;

  /** Cal.com's clock: `now()` plus this offset (clock skew between app and Cal.com). */
  constructor(private readonly now: () => number = Date.now) {}

  /** Adds or replaces a booking; its `updatedAt` and `createdAt` default to Cal.com's now. */
  put(uid: string, fields: Partial<V2Booking> | Record<string, unknown> = {}): Record<string, unknown> {
    const at = new Date(this.now()).toISOString();
    const existing = this.items.get(uid);
    const next = {
      id: (existing?.id as number | undefined) ?? this.nextId++,
      uid,
      title: `Booking ${uid}`,
      status: 'accepted',
      start: '2030-03-01T10:00:00.000Z',
      end: '2030-03-01T10:30:00.000Z',
      duration: 30,
      attendees: [{ name: 'Ada Client', email: 'ada@example.org', timeZone: 'Europe/London' }],
      createdAt: (existing?.createdAt as string | undefined) ?? at,
      ...existing,
      updatedAt: at,
      ...fields,
    };
    this.items.set(uid, next);
    return next;
  }

  async readBookingsPage(q: BookingPageQuery): Promise<RawBookingPage> {
    this.beforePage(this.asked.length);
    this.asked.push(q);
    const time = (b: Record<string, unknown>) => Date.parse(String(b[q.field] ?? ''));
    const after = q.after === undefined ? -Infinity : Date.parse(q.after);
    const before = q.before === undefined ? Infinity : Date.parse(q.before);
    const all = [...this.items.values()]
      .filter((b) => time(b) >= after && time(b) <= before)
      .sort((a, b) => time(a) - time(b) || (a.id as number) - (b.id as number));
    const items = all.slice(q.skip, q.skip + q.take).map((b) => structuredClone(b));
    return { items, hasNextPage: q.skip + items.length < all.length, totalItems: all.length };
  }
}
