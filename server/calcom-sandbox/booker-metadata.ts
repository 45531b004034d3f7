import { z } from 'zod';

/**
 * Metadata a booker sends with a booking. Anyone who books may send it, so it is untrusted input that Cal.com stores
 * with the booking and spreads over its own metadata in webhooks (`{ ...metadata, ...reqBody.metadata }` in
 * RegularBookingService): a booker's `videoCallUrl` replaces Cal.com's. The sandbox models that so the app's defence
 * (common/meeting-place.ts) is tested against the real shape of the attack.
 */

/** Cal.com's wording (CreateBookingInput_2024_08_13, `@ValidateMetadata`). */
export const METADATA_LIMITS_MESSAGE =
  'Metadata must have at most 50 keys, each key up to 40 characters, and string values up to 500 characters.';

const MAX_KEYS = 50;
const MAX_KEY_LENGTH = 40;
const MAX_VALUE_LENGTH = 500;

/** `{ [key]: string }` within Cal.com's limits: the shape `POST /v2/bookings` accepts and the booking stores. */
export const bookerMetadataSchema = z
  .record(z.string(), z.string({ error: METADATA_LIMITS_MESSAGE }))
  .superRefine((value, c) => {
    const entries = Object.entries(value);
    const tooLong = entries.some(([k, v]) => k.length > MAX_KEY_LENGTH || v.length > MAX_VALUE_LENGTH);
    if (entries.length > MAX_KEYS || tooLong) c.addIssue({ code: 'custom', message: METADATA_LIMITS_MESSAGE });
  });
export type BookerMetadata = z.infer<typeof bookerMetadataSchema>;

const BRACKETED = /^metadata\[(.+)\]$/;

/**
 * The `metadata[key]=value` pairs of a booking page's query string or form, as Cal.com's booker collects them into
 * the booking request. Other parameters are ignored; a repeated key keeps its first value (URLSearchParams.get).
 * Not validated here: callers parse the result with bookerMetadataSchema.
 */
export function metadataFromParams(params: Iterable<[string, unknown]>): Record<string, string> {
  // A Map, then fromEntries: a key such as `__proto__` stays an ordinary own property.
  const found = new Map<string, string>();
  for (const [name, value] of params) {
    const key = BRACKETED.exec(name)?.[1];
    if (key === undefined || found.has(key)) continue;
    found.set(key, typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : String(value));
  }
  return Object.fromEntries(found);
}

/** The hidden `metadata[key]` inputs (name, value) that carry a booker's metadata from page to page. */
export function metadataFields(metadata: BookerMetadata | undefined): { name: string; value: string }[] {
  return Object.entries(metadata ?? {}).map(([k, v]) => ({ name: `metadata[${k}]`, value: v }));
}
