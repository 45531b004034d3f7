import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { presentedSignatureHex } from '../../common/webhook-signature';

/** A new channel id: 144 random bits, base64url (24 chars), safe in a URL path. */
export function newChannelId(): string {
  return randomBytes(18).toString('base64url');
}

/** A new subscriber token: 256 random bits, base64url. Shown once, stored only as its hash. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a token; what the store keeps. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison of a presented token against a stored hash. */
export function tokenMatches(presented: string, storedHash: Buffer): boolean {
  const h = hashToken(presented);
  return h.length === storedHash.length && timingSafeEqual(h, storedHash);
}

/** Hex HMAC-SHA256 of the raw body with the webhook secret, as Cal.com computes X-Cal-Signature-256. */
export function calSignature(secret: string, raw: Buffer): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

/** Checks a presented signature (what counts: common/webhook-signature.ts) on the raw bytes in constant time. */
export function signatureMatches(secret: string, raw: Buffer, presented: string | undefined): boolean {
  const hex = presentedSignatureHex(presented);
  if (hex === null) return false;
  const expected = Buffer.from(calSignature(secret, raw), 'hex');
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/** Extracts the token from `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,512})\s*$/i.exec(header);
  return m?.[1];
}

/** Short, non-reversible label for a channel (metrics, logs) so ids (capability URLs) are never exposed. */
export function channelLabel(channelId: string): string {
  return createHash('sha256').update(channelId).digest('hex').slice(0, 12);
}
