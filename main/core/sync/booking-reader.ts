import { createHash } from 'node:crypto';
import type { V2Booking } from '../../../common/calcom';
import { knownV2Statuses, v2BookingSchema } from '../../../common/calcom';

/**
 * Tolerant reading, strict use (issue 22): each booking of a GET /v2/bookings page is read on its own. One the app
 * can map becomes a V2Booking; one it cannot is kept raw with the reason, and never stops the others or the walk.
 */

export type ReadBooking =
  | { readonly ok: true; readonly booking: V2Booking; readonly unknownStatus: string | null }
  | {
      readonly ok: false;
      /** The booking's uid when it has one, else a digest of its bytes (so the same bad booking is kept once). */
      readonly key: string;
      readonly uid: string | null;
      readonly reason: string;
      readonly raw: string;
      /** Its updatedAt / createdAt when readable: the walk still moves past it. */
      readonly updatedAt: string | null;
      readonly createdAt: string | null;
    };

const dateOf = (v: unknown): string | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null);

/** Reads one booking as Cal.com sent it. Pure. */
export function readBooking(item: unknown): ReadBooking {
  const parsed = v2BookingSchema.safeParse(item);
  if (parsed.success) {
    const status = parsed.data.status.toLowerCase();
    return {
      ok: true,
      booking: parsed.data,
      unknownStatus: (knownV2Statuses as readonly string[]).includes(status) ? null : parsed.data.status,
    };
  }
  const raw = JSON.stringify(item) ?? 'undefined';
  const obj = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
  const uid = typeof obj.uid === 'string' && obj.uid.length > 0 ? obj.uid : null;
  const reason = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(booking)'}: ${i.message}`)
    .join('; ');
  return {
    ok: false,
    key: uid ?? `sha256:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`,
    uid,
    reason,
    raw,
    updatedAt: dateOf(obj.updatedAt),
    createdAt: dateOf(obj.createdAt),
  };
}
