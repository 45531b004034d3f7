import { randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A booking uid shaped like Cal.com's (22 base62 characters, from short-uuid). */
export function randomUid(length = 22): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    // Rejection sampling keeps the alphabet uniform (248 = 4 * 62).
    if (b < 248) out += BASE62[b % 62];
  }
  return out.length === length ? out : randomUid(length);
}

/** An opaque bearer/refresh token or authorization code (256 bits). Never starts with `cal_` (Cal.com's API-key prefix). */
export function randomToken(): string {
  return `sbx${randomBytes(32).toString('base64url')}`;
}

/** Webhook ids are UUID strings in Cal.com's database. */
export function newWebhookId(): string {
  return randomUUID();
}
