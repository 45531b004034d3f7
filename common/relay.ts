import { z } from 'zod';

/** The relay protocol (DESIGN.md §4), shared by the relay and the desktop app. */

/** Channel ids: ≥128 bits of randomness, base64url, also safe in a URL path. */
export const channelIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'not a channel id');

export const createChannelResponseSchema = z.object({
  id: channelIdSchema,
  /** Subscriber token: shown once, stored hashed by the relay. */
  token: z.string().min(32),
  /** The URL to register with Cal.com as the webhook's subscriberUrl. */
  ingestUrl: z.url(),
  /** The SSE URL the app's smee-client reads. */
  streamUrl: z.url(),
});
export type CreateChannelResponse = z.infer<typeof createChannelResponseSchema>;

export const setSecretBodySchema = z.object({ secret: z.string().min(16).max(512) }).strict();

/**
 * One SSE `message`: smee-client's shape. Every top-level key other than body/query becomes an
 * HTTP header on the forwarded POST, so only short, safe header values live there.
 * The relay also puts its own ids into headers smee-client forwards: `x-relay-seq`, `x-relay-channel`.
 */
export const RELAY_SEQ_HEADER = 'x-relay-seq';
export const RELAY_CHANNEL_HEADER = 'x-relay-channel';
/** 'true' when JSON.stringify(JSON.parse(raw)) !== raw: the forwarded body cannot verify; pull the raw bytes. */
export const RELAY_REENCODED_HEADER = 'x-relay-body-reencoded';

export const streamMessageSchema = z
  .object({
    body: z.unknown(),
    query: z.record(z.string(), z.string()).default({}),
  })
  .catchall(z.string());

/** An event from the pull endpoint, raw body as base64 so it can be verified byte for byte. */
export const pulledEventSchema = z.object({
  seq: z.number().int().positive(),
  receivedAt: z.string(),
  contentType: z.string(),
  headers: z.record(z.string(), z.string()),
  bodyBase64: z.string(),
});
export type PulledEvent = z.infer<typeof pulledEventSchema>;

export const pullResponseSchema = z.object({
  events: z.array(pulledEventSchema),
  /** Highest sequence stored on the channel (may be beyond the page). */
  lastSeq: z.number().int().min(0),
  /** Oldest sequence still retained (0 when empty); a cursor below it has lost events to retention. */
  oldestSeq: z.number().int().min(0),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const pullQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const ackBodySchema = z.object({ upTo: z.number().int().min(0) }).strict();

export const profileSlugSchema = z
  .string()
  .min(3)
  .max(40)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and single hyphens');

/** Links shown to clients: only web pages, never `javascript:` or other schemes. */
const webUrlSchema = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const profileServiceSchema = z.object({
  durationMinutes: z.number().int().min(5).max(480),
  title: z.string().min(1).max(120),
  description: z.string().max(2000).optional(),
  /** Where it takes place, as one line ("Cal Video", "In person: …"): the consultant's own words from the app's Settings. */
  location: z.string().max(600).optional(),
  price: z.string().max(40).optional(),
  bookingUrl: webUrlSchema,
});

export const profileBodySchema = z
  .object({
    slug: profileSlugSchema,
    name: z.string().min(1).max(120),
    bio: z.string().max(4000).default(''),
    photoUrl: webUrlSchema.optional(),
    preparationTips: z.string().max(4000).default(''),
    timeZone: z.string().max(64),
    email: z.email(),
    /** Empty when the consultant is not taking bookings (disconnected). */
    services: z.array(profileServiceSchema).max(10),
    /** The relay sends its own emails unless the consultant relies on Cal.com's. */
    emailsEnabled: z.boolean().default(true),
  })
  .strict();
export type ProfileBody = z.input<typeof profileBodySchema>;

/** Relay API errors: `{ error: { code, message } }` with a precise HTTP status. */
export const relayErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/*
 * Trust model (DESIGN.md §4a): anonymous → verified → approved.
 * The app proves the consultant's Cal.com account once; the relay checks it with GET /v2/me on its own configured
 * Cal.com API and forgets the token. Only approved, verified channels publish a profile or cause email.
 */

/** Stable per-installation id the app keeps in its settings: one live channel per (Cal.com account, device). */
export const deviceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a device id');

/** `POST /api/channels/:id/identity` (channel token). The access token is used once and never stored or logged. */
export const presentIdentityBodySchema = z
  .object({
    // Visible ASCII, as an Authorization header carries it: a CR or LF once reached the header and failed as a 500.
    accessToken: z
      .string()
      .min(8)
      .max(4096)
      .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters (no spaces or control characters)'),
    deviceId: deviceIdSchema,
  })
  .strict();
export type PresentIdentityBody = z.infer<typeof presentIdentityBodySchema>;

/** The Cal.com account a channel is bound to, as the relay verified it. */
export const verifiedIdentitySchema = z.object({
  userId: z.number().int().positive(),
  username: z.string().min(1),
  email: z.email(),
  timeZone: z.string().min(1),
  verifiedAt: z.string(),
});
export type VerifiedIdentity = z.infer<typeof verifiedIdentitySchema>;

/** Operator's decision on a consultant (per Cal.com account). `none`: the channel is anonymous. */
export const approvalStatusSchema = z.enum(['none', 'pending', 'approved', 'suspended']);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

/** Answer of `POST …/identity` (200). Channels of the same account and device it replaced are already deleted. */
export const presentIdentityResponseSchema = z.object({
  identity: verifiedIdentitySchema,
  approval: approvalStatusSchema,
  replacedChannels: z.number().int().min(0),
});
export type PresentIdentityResponse = z.infer<typeof presentIdentityResponseSchema>;

/** `GET /api/channels/:id` (channel token): what the app shows on its dashboard and Settings. */
export const channelStatusSchema = z.object({
  id: channelIdSchema,
  /** Ingest is refused (409 `channel_not_ready`) until the webhook secret is set. */
  secretSet: z.boolean(),
  identity: verifiedIdentitySchema.nullable(),
  approval: approvalStatusSchema,
  profile: z
    .object({
      slug: profileSlugSchema,
      url: z.url(),
      /** False until the consultant is approved (or while suspended): the page answers "not available yet". */
      visible: z.boolean(),
    })
    .nullable(),
  /** Set when the same Cal.com account verified a channel on another device after this one did. */
  otherDeviceSince: z.string().nullable(),
  /** Email is sent only when verified and approved; the consultant may also have turned it off. */
  emailsActive: z.boolean(),
});
export type ChannelStatus = z.infer<typeof channelStatusSchema>;

/** Answer of `PUT /api/channels/:id/profile` (200). Errors: 403 `not_verified`, 409 `slug_taken`, 400. */
export const publishProfileResponseSchema = z.object({
  slug: profileSlugSchema,
  url: z.url(),
  visible: z.boolean(),
});
export type PublishProfileResponse = z.infer<typeof publishProfileResponseSchema>;

/**
 * Relay error codes the app acts on (all `{ error: { code, message } }`):
 * - 409 `channel_not_ready` — ingest before the secret is set;
 * - 401 `invalid_calcom_token` — the presented token was refused by Cal.com;
 * - 409 `account_mismatch` — the channel is already bound to another Cal.com account;
 * - 502 `calcom_unavailable` — the relay could not reach Cal.com to verify (retry later);
 * - 403 `not_verified` — publishing needs a verified channel;
 * - 403 `suspended` — the operator suspended this account: no publishing;
 * - 409 `slug_taken` — another verified account holds that profile address;
 * - 401 `unauthorized` — wrong token or unknown/deleted channel (the app re-creates its channel).
 */
export const RELAY_ERROR_CODES = [
  'channel_not_ready',
  'invalid_calcom_token',
  'account_mismatch',
  'calcom_unavailable',
  'not_verified',
  'suspended',
  'slug_taken',
  'unauthorized',
] as const;

/** Admin API (`Authorization: Bearer RELAY_ADMIN_TOKEN`): one row per verified Cal.com account. */
export const consultantRowSchema = z.object({
  userId: z.number().int().positive(),
  username: z.string(),
  email: z.email(),
  approval: approvalStatusSchema.exclude(['none']),
  channels: z.number().int().min(0),
  slug: z.string().nullable(),
  firstVerifiedAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type ConsultantRow = z.infer<typeof consultantRowSchema>;
