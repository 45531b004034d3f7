import type { BookingChange, SyncBookingStore } from '../bookings/booking-store';
import type { Clock, Logger } from '../ports';
import { readBooking } from './booking-reader';
import type { BookingsSource, WatermarkField } from './sync-types';

/**
 * Reconciliation with Cal.com (DESIGN.md §5, issue 22): Cal.com delivers webhooks best-effort, so bookings changed
 * since the last run are fetched and joined through the same transition as webhooks. Single-flight.
 *
 * Why it cannot skip a row: pages are walked by keyset on Cal.com's own time (`afterUpdatedAt` = the newest
 * `updatedAt` of the page before, oldest first), not by offset. A booking updated during the walk moves to a later
 * time, i.e. ahead of the walk, and is met again; one not updated keeps its place at or after the key. Re-reading
 * the rows at the key is harmless (the join is idempotent). Only bookings sharing one instant beyond a page are
 * walked by offset (`walkInstant`, which corrects the offset for rows that leave the instant meanwhile).
 *
 * The watermark is the newest time Cal.com itself stated (never the local clock, so clock skew loses nothing),
 * less an overlap for transactions that commit late; it is kept per account and relay channel. A second walk
 * follows `createdAt`, because Cal.com leaves `updatedAt` null on bookings never changed since they were made.
 */

export const LAST_SYNCED_KEY = 'lastSyncedAt';

/** Overlap below Cal.com's newest time: a write that commits late may carry a slightly earlier `updatedAt`. */
export const WATERMARK_OVERLAP_MS = 60_000;
const WALKS: readonly WatermarkField[] = ['updatedAt', 'createdAt'];
/** Cal.com's maximum `take`. */
const DEFAULT_PAGE = 250;
/**
 * Pages one walk reads at most: bookings changing as fast as the walk reads could otherwise keep it going forever.
 * Stopping early is safe: everything before the key was read, and the watermark is the newest time read.
 */
const MAX_PAGES = 400;

export interface ReconcilerDeps {
  readonly store: SyncBookingStore;
  readonly source: BookingsSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onChange: (change: BookingChange) => void;
  readonly onLastSynced: (at: string) => void;
  /** The Cal.com account (user id) and relay channel the watermarks belong to. */
  readonly account: number | null;
  readonly channelId: string;
  readonly pageSize?: number;
}

export interface Reconciler {
  /** Runs a reconciliation (joins one already running); resolves with the number of bookings changed. */
  run(): Promise<number>;
  lastSyncedAt(): string | null;
  /** Waits for a running reconciliation, if any, without starting one. */
  settled(): Promise<void>;
}

/** The meta key of one walk's watermark for an account and channel. */
export function watermarkKey(field: WatermarkField, account: number | null, channelId: string): string {
  return `calcom.watermark.${field}:${account ?? 'none'}:${channelId}`;
}

const iso = (ms: number) => new Date(ms).toISOString();
const timeOf = (v: string | null | undefined): number | null => {
  const ms = v ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? null : ms;
};

export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const { store, source, logger } = deps;
  const take = deps.pageSize ?? DEFAULT_PAGE;
  const issueAccount = deps.account ?? 0;
  let running: Promise<number> | undefined;

  /** Takes one booking as Cal.com sent it; returns its time on `field` (null when it has none). */
  const take1 = (
    item: unknown,
    field: WatermarkField,
    changed: Set<string>,
    counts: { unreadable: number },
  ): number | null => {
    const read = readBooking(item);
    if (!read.ok) {
      counts.unreadable += 1;
      store.recordReadIssue(issueAccount, {
        key: read.key,
        kind: 'unreadable',
        uid: read.uid,
        reason: read.reason,
        raw: read.raw,
      });
      return timeOf(read[field]);
    }
    const { booking } = read;
    const change = store.upsertFromCalcom(booking);
    store.readIssueResolved(issueAccount, booking.uid);
    if (read.unknownStatus) {
      const reason = `status "${read.unknownStatus}" is not one this app knows; shown as pending`;
      store.recordReadIssue(issueAccount, {
        key: booking.uid,
        kind: 'unknown-status',
        uid: booking.uid,
        reason,
        raw: JSON.stringify(item),
      });
    }
    if (change) {
      change.uids.forEach((u) => changed.add(u));
      deps.onChange(change);
    }
    return timeOf(booking[field]);
  };

  const walk = async (field: WatermarkField, changed: Set<string>, counts: { unreadable: number }): Promise<void> => {
    const key = watermarkKey(field, deps.account, deps.channelId);
    const stored = timeOf(store.getMeta(key));
    let cursor = stored === null ? undefined : iso(stored - WATERMARK_OVERLAP_MS);
    let newest = stored ?? -Infinity;
    const read = (items: readonly unknown[]) =>
      items.map((item) => take1(item, field, changed, counts)).filter((t): t is number => t !== null);
    for (let pages = 1; ; pages += 1) {
      const page = await source.readBookingsPage({ field, after: cursor, take, skip: 0 });
      const times = read(page.items);
      const last = times.length > 0 ? Math.max(...times) : null;
      if (last !== null) newest = Math.max(newest, last);
      if (!page.hasNextPage || page.items.length === 0) break;
      if (pages >= MAX_PAGES) {
        logger.warn('bookings kept changing during reconciliation; the next run continues', { field, pages });
        break;
      }
      if (last !== null && (cursor === undefined || last > Date.parse(cursor))) {
        cursor = iso(last); // the next page starts at the newest instant read (its rows again: harmless)
        continue;
      }
      // The whole page lies at the key's instant: walk that one instant by offset, then go on just after it.
      const instant = cursor ?? (last === null ? undefined : iso(last));
      if (instant === undefined) break; // bookings without the field at all: nothing to page by
      await walkInstant(field, instant, read);
      cursor = iso(Date.parse(instant) + 1);
    }
    if (Number.isFinite(newest)) store.setMeta(key, iso(newest));
  };

  /**
   * Walks the bookings at exactly `instant` by offset. A booking that changes meanwhile leaves the instant (Cal.com
   * stamps it later, so the main walk meets it again) and shifts the rest forward: the offset goes back by as many
   * as the instant's total shrank, so none is skipped. Rows are only ever re-read, which is harmless.
   */
  const walkInstant = async (
    field: WatermarkField,
    instant: string,
    read: (items: readonly unknown[]) => number[],
  ): Promise<void> => {
    let skip = 0;
    let total: number | undefined;
    for (let pages = 1; pages <= MAX_PAGES; pages += 1) {
      const page = await source.readBookingsPage({ field, after: instant, before: instant, take, skip });
      read(page.items);
      const shrank = total === undefined ? 0 : total - page.totalItems;
      total = page.totalItems;
      if (shrank > 0) {
        // Rows left the instant since the last page: this page was read from too far on. Read again from back there.
        skip = Math.max(0, skip - shrank);
        continue;
      }
      if (!page.hasNextPage || page.items.length === 0) return;
      skip += page.items.length;
    }
  };

  const once = async (): Promise<number> => {
    const changed = new Set<string>();
    const counts = { unreadable: 0 };
    for (const field of WALKS) await walk(field, changed, counts);
    // Shown to the consultant as "last synced": when this run finished, by this machine's clock.
    const at = iso(deps.clock.now());
    store.setMeta(LAST_SYNCED_KEY, at);
    deps.onLastSynced(at);
    if (counts.unreadable > 0)
      logger.warn('some bookings from Cal.com could not be read; kept for Diagnostics', {
        unreadable: counts.unreadable,
      });
    logger.info('reconciled with Cal.com', { changed: changed.size });
    return changed.size;
  };

  return {
    run() {
      running ??= once().finally(() => (running = undefined));
      return running;
    },
    lastSyncedAt: () => store.getMeta(LAST_SYNCED_KEY),
    settled: async () => {
      await running?.catch(() => undefined);
    },
  };
}
