import { z } from 'zod';
import { apiVersions, v2BookingSchema, v2Envelope } from '../../../common/calcom';
import type { V2Booking } from '../../../common/calcom';
import type { CalcomHttp } from './calcom-http';

/**
 * The host's booking actions of Cal.com API v2 (scope BOOKING_WRITE). Paths and bodies from
 * apps/api/v2/src/ee/bookings/2024-08-13/controllers/bookings.controller.ts (confirm, decline, cancel, mark-absent) and
 * https://cal.com/docs/api-reference/v2/bookings/request-to-reschedule-a-booking (request-reschedule, 2026-02-25).
 * Each answers the booking as it is now.
 */
export interface BookingWriteApi {
  confirm(uid: string): Promise<V2Booking>;
  decline(uid: string, reason?: string): Promise<V2Booking>;
  cancel(uid: string, reason?: string): Promise<V2Booking>;
  requestReschedule(uid: string, reason?: string): Promise<V2Booking>;
  markAbsent(uid: string, attendeeEmail: string, absent: boolean): Promise<V2Booking>;
  get(uid: string): Promise<V2Booking>;
}

const booking = v2Envelope(v2BookingSchema);
const path = (uid: string, action: string) => `/v2/bookings/${encodeURIComponent(uid)}/${action}`;
const version = apiVersions.bookings;

/** Creates the calls over a request function; the caller decides retries (actions use one attempt: calcom-http.ts). */
export function createBookingWriteApi(http: CalcomHttp): BookingWriteApi {
  const post = (p: string, body: Record<string, unknown>) =>
    http({ method: 'POST', path: p, version, body, schema: booking }).then((r) => r.data);
  return {
    confirm: (uid) => post(path(uid, 'confirm'), {}),
    decline: (uid, reason) => post(path(uid, 'decline'), reason ? { reason } : {}),
    cancel: (uid, reason) => post(path(uid, 'cancel'), reason ? { cancellationReason: reason } : {}),
    async requestReschedule(uid, reason) {
      // The answer is in the 2026-02-25 booking shape, which this app does not parse: read the booking back in 2024-08-13.
      await http({
        method: 'POST',
        path: path(uid, 'request-reschedule'),
        version: apiVersions.bookingsRequestReschedule,
        body: reason ? { rescheduleReason: reason } : {},
        schema: z.unknown(),
      });
      return http({ method: 'GET', path: `/v2/bookings/${encodeURIComponent(uid)}`, version, schema: booking }).then(
        (r) => r.data,
      );
    },
    markAbsent: (uid, email, absent) => post(path(uid, 'mark-absent'), { attendees: [{ email, absent }] }),
    get: (uid) =>
      http({ method: 'GET', path: `/v2/bookings/${encodeURIComponent(uid)}`, version, schema: booking }).then(
        (r) => r.data,
      ),
  };
}
