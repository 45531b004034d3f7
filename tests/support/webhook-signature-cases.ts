import { createHmac } from 'node:crypto';

/**
 * The one table of presented webhook signatures (issue 20), iterated by the relay's test (server/relay/crypto.test.ts)
 * and the app's (main/core/sync/sync-pure.test.ts), so what the relay passes is what the app applies. The rule is
 * common/webhook-signature.ts; the signatures here are computed independently, with node:crypto.
 */
export const SIGNING_SECRET = 's3cret-s3cret-s3cret';
export const SIGNED_BODY = Buffer.from('{"triggerEvent":"PING"}');

const sign = (secret: string, body: Buffer): string => createHmac('sha256', secret).update(body).digest('hex');
const good = sign(SIGNING_SECRET, SIGNED_BODY);

/** [what is presented, the header value, whether it verifies for SIGNED_BODY under SIGNING_SECRET]. */
export const signatureCases: readonly (readonly [name: string, presented: string | undefined, accepted: boolean])[] = [
  ['the right hex signature', good, true],
  ['upper-case hex', good.toUpperCase(), true],
  ['a sha256= prefix', `sha256=${good}`, true],
  ['an upper-case SHA256= prefix', `SHA256=${good}`, true],
  ['surrounding whitespace', ` ${good}\t`, true],
  ['prefix and whitespace', `  sha256=${good} `, true],
  ['another secret', sign('another-secret-0000', SIGNED_BODY), false],
  ['a one-byte different body', sign(SIGNING_SECRET, Buffer.from('{"triggerEvent":"PING" }')), false],
  ["Cal.com's no-secret marker", 'no-secret-provided', false],
  ['nothing', undefined, false],
  ['an empty header', '', false],
  ['a truncated signature', good.slice(0, 62), false],
  ['one digit too many', `${good}0`, false],
  ['whitespace inside', `${good.slice(0, 32)} ${good.slice(32)}`, false],
  ['another prefix', `sha1=${good}`, false],
  ['the prefix twice', `sha256=sha256=${good}`, false],
  ['base64 instead of hex', Buffer.from(good, 'hex').toString('base64'), false],
];
