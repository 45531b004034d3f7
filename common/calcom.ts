import { z } from 'zod';

/**
 * Cal.com contracts (see shared/calcom-contract.md): webhook envelopes as Cal.com sends them,
 * and the v2 API shapes we use. Webhook schemas are loose (passthrough): Cal.com adds fields over time.
 */

export const CALCOM_SIGNATURE_HEADER = 'x-cal-signature-256';
/** The spelling the original web integration used; the relay still accepts it. */
export const CALCOM_LEGACY_SIGNATURE_HEADER = 'x-cal-signature';
export const CALCOM_WEBHOOK_VERSION = '2021-10-20';
export const NO_SECRET_SIGNATURE = 'no-secret-provided';

export const calcomScopes = [
  'PROFILE_READ',
  'EVENT_TYPE_READ',
  'EVENT_TYPE_WRITE',
  'WEBHOOK_READ',
  'WEBHOOK_WRITE',
  'BOOKING_READ',
  'BOOKING_WRITE',
] as const;

export const apiVersions = {
  eventTypes: '2024-06-14',
  bookings: '2024-08-13',
  /**
   * POST /v2/bookings/{uid}/request-reschedule is documented only for this newer bookings version
   * (https://cal.com/docs/api-reference/v2/bookings/request-to-reschedule-a-booking, "Must be set to 2026-02-25").
   */
  bookingsRequestReschedule: '2026-02-25',
} as const;

export const bookingTriggers = [
  'BOOKING_CREATED',
  'BOOKING_RESCHEDULED',
  'BOOKING_CANCELLED',
  'BOOKING_REQUESTED',
  'BOOKING_REJECTED',
  'BOOKING_NO_SHOW_UPDATED',
] as const;
export type BookingTrigger = (typeof bookingTriggers)[number];

const languageSchema = z.object({ locale: z.string() }).passthrough();

export const webhookPersonSchema = z
  .object({
    name: z.string(),
    email: z.string(),
    timeZone: z.string(),
    language: languageSchema.optional(),
    utcOffset: z.number().optional(),
  })
  .passthrough();

export const webhookOrganizerSchema = webhookPersonSchema.extend({
  id: z.number().int().optional(),
  username: z.string().optional(),
  timeFormat: z.string().optional(),
});

/** An ISO-8601 time as Cal.com writes them (`…Z`, `….000Z`, `+00:00`): parsed, never string-compared. */
const isoTimeSchema = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date-time');

/** BOOKING_CREATED / RESCHEDULED / CANCELLED / REQUESTED / REJECTED payload (v2021-10-20 builder). */
export const bookingPayloadSchema = z
  .object({
    uid: z.string().min(1),
    bookingId: z.number().int(),
    type: z.string(),
    title: z.string(),
    description: z.string().nullable().optional(),
    additionalNotes: z.string().nullable().optional(),
    startTime: isoTimeSchema,
    endTime: isoTimeSchema,
    organizer: webhookOrganizerSchema,
    attendees: z.array(webhookPersonSchema),
    location: z.string().nullable().optional(),
    eventTypeId: z.number().int().nullable().optional(),
    length: z.number().int().nullable().optional(),
    status: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    videoCallData: z.object({ url: z.string().optional() }).passthrough().nullable().optional(),
    rescheduleUid: z.string().optional(),
    rescheduleId: z.number().int().optional(),
    rescheduleStartTime: isoTimeSchema.optional(),
    rescheduleEndTime: isoTimeSchema.optional(),
    rescheduledBy: z.string().optional(),
    cancellationReason: z.string().nullable().optional(),
    cancelledBy: z.string().nullable().optional(),
    requestReschedule: z.boolean().optional(),
    rejectionReason: z.string().nullable().optional(),
    iCalUID: z.string().optional(),
    iCalSequence: z.number().int().optional(),
  })
  .passthrough();
export type BookingPayload = z.infer<typeof bookingPayloadSchema>;

export const noShowPayloadSchema = z
  .object({
    message: z.string().optional(),
    attendees: z.array(z.object({ email: z.string(), noShow: z.boolean() }).passthrough()),
    bookingUid: z.string().min(1),
    bookingId: z.number().int().optional(),
  })
  .passthrough();
export type NoShowPayload = z.infer<typeof noShowPayloadSchema>;

export const pingPayloadSchema = z.object({ type: z.string().optional(), title: z.string().optional() }).passthrough();

/** The webhook envelope: `{ triggerEvent, createdAt, payload }`, discriminated on the trigger. */
export const webhookEnvelopeSchema = z.discriminatedUnion('triggerEvent', [
  z.object({ triggerEvent: z.literal('BOOKING_CREATED'), createdAt: z.string(), payload: bookingPayloadSchema }),
  z.object({ triggerEvent: z.literal('BOOKING_RESCHEDULED'), createdAt: z.string(), payload: bookingPayloadSchema }),
  z.object({ triggerEvent: z.literal('BOOKING_CANCELLED'), createdAt: z.string(), payload: bookingPayloadSchema }),
  z.object({ triggerEvent: z.literal('BOOKING_REQUESTED'), createdAt: z.string(), payload: bookingPayloadSchema }),
  z.object({ triggerEvent: z.literal('BOOKING_REJECTED'), createdAt: z.string(), payload: bookingPayloadSchema }),
  z.object({ triggerEvent: z.literal('BOOKING_NO_SHOW_UPDATED'), createdAt: z.string(), payload: noShowPayloadSchema }),
  z.object({ triggerEvent: z.literal('PING'), createdAt: z.string(), payload: pingPayloadSchema }),
]);
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

// ---- OAuth token endpoint (RFC-style, not the v2 envelope) ----

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

// ---- API v2 ----

export const v2ErrorSchema = z.object({
  status: z.literal('error'),
  timestamp: z.string().optional(),
  path: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Wraps a data schema in Cal.com v2's success envelope. */
export function v2Envelope<T extends z.ZodType>(data: T) {
  return z.object({ status: z.literal('success'), data });
}

export const meSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    timeZone: z.string(),
    timeFormat: z.number().optional(),
    defaultScheduleId: z.number().nullable().optional(),
    weekStart: z.string().optional(),
    organizationId: z.number().nullable().optional(),
  })
  .passthrough();
export type CalcomMe = z.infer<typeof meSchema>;

export const eventTypeSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    slug: z.string(),
    lengthInMinutes: z.number().int(),
    description: z.string().nullable().optional(),
    hidden: z.boolean(),
    ownerId: z.number().int().optional(),
    /** Cal.com's own public booking page for this event type (right for organization members too); newer API builds. */
    bookingUrl: z.string().optional(),
  })
  .passthrough();
export type CalcomEventType = z.infer<typeof eventTypeSchema>;

export const createEventTypeSchema = z.object({
  title: z.string().min(1),
  slug: z.string().regex(/^[a-z0-9-]+$/),
  lengthInMinutes: z.number().int().min(1),
  description: z.string().optional(),
  hidden: z.boolean().optional(),
  /** Issue 19: where the service takes place (location objects of 2024-06-14) and whether bookings need confirming. */
  locations: z.array(z.record(z.string(), z.unknown())).optional(),
  confirmationPolicy: z.record(z.string(), z.unknown()).optional(),
  /**
   * EmailSettings_2024_06_14 (packages/platform/types/event-types/event-types_2024_06_14/inputs/email-settings.input.ts):
   * Cal.com's standard emails for this event type. Honoured for organization team event types (issue 19 research).
   */
  emailSettings: z
    .object({
      disableStandardEmailsToAttendees: z.boolean().optional(),
      disableStandardEmailsToHosts: z.boolean().optional(),
    })
    .optional(),
});

export const webhookTriggerSchema = z.enum([
  ...bookingTriggers,
  'MEETING_STARTED',
  'MEETING_ENDED',
  'BOOKING_PAID',
  'BOOKING_PAYMENT_INITIATED',
]);

export const webhookSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    subscriberUrl: z.string(),
    triggers: z.array(z.string()),
    active: z.boolean(),
    payloadTemplate: z.string().nullable().optional(),
    secret: z.string().nullable().optional(),
  })
  .passthrough();
export type CalcomWebhook = z.infer<typeof webhookSchema>;

export const createWebhookSchema = z.object({
  subscriberUrl: z.url(),
  triggers: z.array(webhookTriggerSchema).min(1),
  active: z.boolean(),
  secret: z.string().optional(),
  payloadTemplate: z.string().nullable().optional(),
  version: z.literal(CALCOM_WEBHOOK_VERSION).optional(),
});

/** The statuses GET /v2/bookings (2024-08-13) documents; Cal.com's database has more (e.g. AWAITING_HOST). */
export const knownV2Statuses = ['accepted', 'cancelled', 'rejected', 'pending'] as const;
export type KnownV2Status = (typeof knownV2Statuses)[number];

/** An attendee, or a seat of a seated booking (then with `seatUid`); the email may be missing (phone-only bookers). */
export const v2AttendeeSchema = z
  .object({
    name: z.string(),
    email: z.string().nullable().optional(),
    displayEmail: z.string().nullable().optional(),
    timeZone: z.string(),
    language: z.string().nullable().optional(),
    absent: z.boolean().nullable().optional(),
    seatUid: z.string().optional(),
  })
  .passthrough();

/**
 * v2 booking (cal-api-version 2024-08-13): start/end, lowercase status. One schema for the four shapes the API
 * documents (regular, recurring with `recurringBookingUid`, seated and recurring seated whose attendees carry a
 * `seatUid`). Read one booking at a time (main/core/sync/booking-reader.ts): `status` is any string here and is
 * mapped with a recorded fallback, so a status Cal.com adds later never stops a page.
 */
export const v2BookingSchema = z
  .object({
    id: z.number().int(),
    uid: z.string().min(1),
    title: z.string(),
    description: z.string().nullable().optional(),
    status: z.string().min(1),
    start: isoTimeSchema,
    end: isoTimeSchema,
    duration: z.number().int(),
    eventTypeId: z.number().int().nullable().optional(),
    eventType: z.object({ id: z.number().int(), slug: z.string() }).passthrough().nullable().optional(),
    meetingUrl: z.string().nullable().optional(),
    location: z.string().nullable().optional(),
    hosts: z.array(z.object({ email: z.string().nullable().optional() }).passthrough()).optional(),
    attendees: z.array(v2AttendeeSchema),
    recurringBookingUid: z.string().nullable().optional(),
    cancellationReason: z.string().nullable().optional(),
    cancelledByEmail: z.string().nullable().optional(),
    rejectionReason: z.string().nullable().optional(),
    rescheduledFromUid: z.string().nullable().optional(),
    rescheduledToUid: z.string().nullable().optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema.nullable().optional(),
  })
  .passthrough();
export type V2Booking = z.infer<typeof v2BookingSchema>;

export const paginationSchema = z
  .object({
    totalItems: z.number().int(),
    remainingItems: z.number().int().optional(),
    returnedItems: z.number().int().optional(),
    itemsPerPage: z.number().int(),
    currentPage: z.number().int(),
    totalPages: z.number().int(),
    hasNextPage: z.boolean(),
    hasPreviousPage: z.boolean(),
  })
  .passthrough();

/** A page of GET /v2/bookings, each booking left unparsed: one booking the app cannot read must not sink the page. */
export const v2BookingPageSchema = z.object({
  status: z.literal('success'),
  data: z.array(z.unknown()),
  pagination: paginationSchema,
});

/** The same page with every booking checked strictly (the sandbox's contract tests use it). */
export const v2BookingListSchema = v2BookingPageSchema.extend({ data: z.array(v2BookingSchema) });
