import { z } from 'zod';

/** The sandbox's whole state: plain JSON so it can be persisted to `dataFile` as is. */

const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  email: z.string(),
  timeZone: z.string(),
  /** Cal.com's v2 /me returns 12 or 24. */
  timeFormat: z.number().int(),
  weekStart: z.string(),
  defaultScheduleId: z.number().int().nullable(),
});
export type SandboxUser = z.infer<typeof userSchema>;

const eventTypeSchema = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  title: z.string(),
  slug: z.string(),
  lengthInMinutes: z.number().int(),
  description: z.string().nullable(),
  hidden: z.boolean(),
  requiresConfirmation: z.boolean(),
  minimumBookingNotice: z.number().int(),
  beforeEventBuffer: z.number().int(),
  afterEventBuffer: z.number().int(),
  slotInterval: z.number().int().nullable(),
  locations: z.array(z.record(z.string(), z.unknown())),
  /** emailSettings.disableStandardEmailsToAttendees as last set (absent: never set; Cal.com's emails are on). */
  disableStandardEmailsToAttendees: z.boolean().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SandboxEventType = z.infer<typeof eventTypeSchema>;

const webhookSchema = z.object({
  id: z.string(),
  userId: z.number().int(),
  subscriberUrl: z.string(),
  triggers: z.array(z.string()),
  active: z.boolean(),
  secret: z.string().nullable(),
  payloadTemplate: z.string().nullable(),
  createdAt: z.string(),
});
export type SandboxWebhook = z.infer<typeof webhookSchema>;

const attendeeSchema = z.object({
  name: z.string(),
  email: z.string(),
  timeZone: z.string(),
  noShow: z.boolean(),
  /** A seat of a seated event (its own uid); null for an ordinary attendee. */
  seatUid: z.string().nullable().optional(),
  /** The API answer leaves the email out (a phone-only booker): a shape real clients must survive. */
  emailHidden: z.boolean().optional(),
});
export type SandboxAttendee = z.infer<typeof attendeeSchema>;

/** Internal (Prisma-like) booking status, uppercase as in Cal.com's database and webhook payloads. */
export const bookingStatuses = ['ACCEPTED', 'PENDING', 'CANCELLED', 'REJECTED', 'AWAITING_HOST'] as const;
export type BookingStatus = (typeof bookingStatuses)[number];

const bookingSchema = z.object({
  id: z.number().int(),
  uid: z.string(),
  userId: z.number().int(),
  eventTypeId: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  start: z.string(),
  end: z.string(),
  status: z.enum(bookingStatuses),
  attendees: z.array(attendeeSchema),
  location: z.string(),
  videoCallId: z.string(),
  iCalUID: z.string(),
  iCalSequence: z.number().int(),
  cancellationReason: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  rescheduled: z.boolean(),
  fromReschedule: z.string().nullable(),
  rescheduledToUid: z.string().nullable(),
  rescheduledBy: z.string().nullable(),
  rescheduleReason: z.string().nullable(),
  /** The host used "Request reschedule": the booking is CANCELLED (rescheduled: true) and the attendee may rebook it once. */
  rescheduleRequested: z.boolean().optional(),
  /** Occurrences of one recurring series share this uid (each occurrence is a booking of its own). */
  recurringBookingUid: z.string().nullable().optional(),
  /**
   * Metadata the booker sent (booking page `metadata[…]` query, `POST /v2/bookings`), as Cal.com stores it. Optional so
   * data files written before it existed still load.
   */
  metadata: z.record(z.string(), z.string()).optional(),
  /** API answers give these fields as null although the reference says string (a quirk real data shows). */
  nullFields: z.array(z.enum(['title', 'start', 'end'])).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SandboxBooking = z.infer<typeof bookingSchema>;

const authCodeSchema = z.object({
  code: z.string(),
  clientId: z.string(),
  userId: z.number().int(),
  scopes: z.array(z.string()),
  redirectUri: z.string(),
  codeChallenge: z.string().nullable(),
  expiresAt: z.number(),
});
export type SandboxAuthCode = z.infer<typeof authCodeSchema>;

const tokenSchema = z.object({
  token: z.string(),
  clientId: z.string(),
  userId: z.number().int(),
  scopes: z.array(z.string()),
  expiresAt: z.number(),
});
export type SandboxToken = z.infer<typeof tokenSchema>;

/** The persisted document (version 1); validated when a data file is loaded. */
export const sandboxStateSchema = z.object({
  version: z.literal(1),
  users: z.array(userSchema),
  eventTypes: z.array(eventTypeSchema),
  webhooks: z.array(webhookSchema),
  bookings: z.array(bookingSchema),
  authCodes: z.array(authCodeSchema),
  accessTokens: z.array(tokenSchema),
  refreshTokens: z.array(tokenSchema),
  /** Rotated-out or revoked refresh tokens (bounded), so their reuse reports refresh_token_revoked. */
  revokedRefreshTokens: z.array(z.string()).default([]),
  nextIds: z.object({ eventType: z.number().int(), booking: z.number().int() }),
});
export type SandboxState = z.infer<typeof sandboxStateSchema>;

/** Seeded consultants: they start with no event types and no webhooks (the app creates them). */
export const seedUsers: readonly SandboxUser[] = [
  {
    id: 48213,
    username: 'dana-reyes',
    name: 'Dana Reyes',
    email: 'dana@example.com',
    timeZone: 'America/Chicago',
    timeFormat: 12,
    weekStart: 'Sunday',
    defaultScheduleId: 70011,
  },
  {
    id: 48214,
    username: 'omar-haddad',
    name: 'Omar Haddad',
    email: 'omar@example.com',
    timeZone: 'Europe/London',
    timeFormat: 24,
    weekStart: 'Monday',
    defaultScheduleId: 70012,
  },
  {
    id: 48215,
    username: 'mei-tanaka',
    name: 'Mei Tanaka',
    email: 'mei@example.com',
    timeZone: 'Asia/Tokyo',
    timeFormat: 24,
    weekStart: 'Monday',
    defaultScheduleId: 70013,
  },
];

/** A fresh state with the seeded consultants. */
export function initialState(): SandboxState {
  return {
    version: 1,
    users: seedUsers.map((u) => ({ ...u })),
    eventTypes: [],
    webhooks: [],
    bookings: [],
    authCodes: [],
    accessTokens: [],
    refreshTokens: [],
    revokedRefreshTokens: [],
    nextIds: { eventType: 1184501, booking: 9876501 },
  };
}
