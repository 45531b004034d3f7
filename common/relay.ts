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
