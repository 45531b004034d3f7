import { z } from 'zod';

/** Booking status as the consultant sees it (original integration document's model). */
export const bookingStatuses = [
  'pending',
  'scheduled',
  'completed',
  'cancelled',
  'rescheduled',
  'rejected',
  'no-show',
] as const;
export const bookingStatusSchema = z.enum(bookingStatuses);
export type BookingStatus = z.infer<typeof bookingStatusSchema>;

export const attendeeSchema = z.object({
  name: z.string(),
  email: z.string(),
  timeZone: z.string(),
  locale: z.string().optional(),
  noShow: z.boolean().optional(),
});
export type Attendee = z.infer<typeof attendeeSchema>;

/**
 * A booking in the app's store, keyed by Cal.com's `uid`. Times are ISO-8601 UTC strings.
 * A reschedule is a new booking: the old one becomes `rescheduled` with `rescheduledTo` = new uid.
 */
export const bookingSchema = z.object({
  uid: z.string().min(1),
  calcomBookingId: z.number().int(),
  attendee: attendeeSchema,
  guests: z.array(attendeeSchema).default([]),
  title: z.string(),
  description: z.string().nullable(),
  startTime: z.string(),
  endTime: z.string(),
  duration: z.number().int(),
  status: bookingStatusSchema,
  eventTypeId: z.number().int().nullable(),
  eventTypeSlug: z.string().nullable(),
  meetingUrl: z.string().nullable(),
  location: z.string().nullable(),
  cancellationReason: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  rescheduledFrom: z.string().nullable(),
  rescheduledTo: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Booking = z.infer<typeof bookingSchema>;

export const bookingTabs = ['upcoming', 'past', 'cancelled', 'all'] as const;

/** The Bookings screen's query (original: GET /api/calcom/bookings?status=&startDate=&endDate=). */
export const bookingQuerySchema = z
  .object({
    tab: z.enum(bookingTabs).default('all'),
    status: z.array(bookingStatusSchema).max(bookingStatuses.length).optional(),
    startDate: z.iso.datetime({ offset: true }).optional(),
    endDate: z.iso.datetime({ offset: true }).optional(),
    search: z.string().max(200).optional(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type BookingQuery = z.input<typeof bookingQuerySchema>;

export interface BookingPage {
  readonly items: readonly Booking[];
  readonly total: number;
}

export type BookingCounts = Readonly<Record<BookingStatus, number>>;
