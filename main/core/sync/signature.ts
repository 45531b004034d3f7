import { createHmac, timingSafeEqual } from 'node:crypto';
import { presentedSignatureHex } from '../../../common/webhook-signature';

/**
 * Checks Cal.com's `X-Cal-Signature-256`: hex HMAC-SHA256 of the exact body bytes, keyed with the webhook secret as
 * UTF-8 (calcom-contract.md §3.2). What presented form counts is common/webhook-signature.ts, the relay's rule too,
 * so the app never quarantines what the relay accepted. Constant-time compare; anything malformed is a mismatch.
 */
export function verifyCalSignature(secret: string, body: Buffer, signature: string | undefined | null): boolean {
  const hex = presentedSignatureHex(signature);
  if (hex === null) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Signs a body the way Cal.com does (tests and the sandbox's golden vectors). */
export function signCalBody(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
