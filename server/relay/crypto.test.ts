import { describe, expect, it } from 'vitest';
import { channelIdSchema } from '../../common/relay';
import { SIGNED_BODY, SIGNING_SECRET, signatureCases } from '../../tests/support/webhook-signature-cases';
import { bearerToken, calSignature, hashToken, newChannelId, newToken, signatureMatches, tokenMatches } from './crypto';

describe('crypto', () => {
  it('makes ids of ≥128 bits and tokens of ≥256 bits', () => {
    const id = newChannelId();
    expect(channelIdSchema.safeParse(id).success).toBe(true);
    expect(Buffer.from(id, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(Buffer.from(newToken(), 'base64url').length * 8).toBeGreaterThanOrEqual(256);
    expect(newChannelId()).not.toBe(id);
  });

  it('matches tokens against their stored hash only', () => {
    const t = newToken();
    expect(tokenMatches(t, hashToken(t))).toBe(true);
    expect(tokenMatches(t + 'x', hashToken(t))).toBe(false);
    expect(tokenMatches('', hashToken(t))).toBe(false);
  });

  it('verifies Cal.com signatures on the raw bytes', () => {
    const raw = Buffer.from('{"triggerEvent":"PING"}');
    const sig = calSignature('s3cret-s3cret-s3cret', raw);
    // Known vector: hex HMAC-SHA256, as Cal.com's createWebhookSignature.
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureMatches('s3cret-s3cret-s3cret', raw, sig)).toBe(true);
    expect(signatureMatches('s3cret-s3cret-s3cret', Buffer.from('{"triggerEvent":"PING" }'), sig)).toBe(false);
  });

  // The table the app's verifyCalSignature iterates too (issue 20): what the relay accepts, the app applies.
  it.each(signatureCases)('presented signature: %s → %s', (_name, presented, accepted) => {
    expect(signatureMatches(SIGNING_SECRET, SIGNED_BODY, presented)).toBe(accepted);
  });

  it('parses bearer tokens strictly', () => {
    expect(bearerToken('Bearer abc_-1')).toBe('abc_-1');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
