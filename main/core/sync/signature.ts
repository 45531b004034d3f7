import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks Cal.com's `X-Cal-Signature-256`: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the
 * webhook secret as UTF-8 (calcom-contract.md §3.2). Constant-time compare; anything malformed is a mismatch.
 */
export function verifyCalSignature(secret: string, body: Buffer, signature: string | undefined | null): boolean {
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature.trim())) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Signs a body the way Cal.com does (tests and the sandbox's golden vectors). */
export function signCalBody(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
