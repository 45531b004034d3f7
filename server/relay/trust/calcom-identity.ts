import { meSchema, v2Envelope } from '../../../common/calcom';
import { verifiedIdentitySchema } from '../../../common/relay';
import type { VerifiedAccount } from './trust-store';
import { httpsGet } from './https-get';

/** Outcome of checking a presented Cal.com access token. */
export type IdentityCheck =
  | { readonly kind: 'verified'; readonly account: VerifiedAccount }
  /** Cal.com refused the token (401/403): forged, expired, revoked or without PROFILE_READ. */
  | { readonly kind: 'invalid' }
  /** Cal.com could not be asked or answered something unusable: retry later. */
  | { readonly kind: 'unavailable'; readonly detail: string };

const meEnvelope = v2Envelope(meSchema);
/** A /v2/me answer is about 1 KB; anything far larger is not one. */
const ME_MAX_BYTES = 256 * 1024;
const accountSchema = verifiedIdentitySchema.pick({ userId: true, username: true, email: true, timeZone: true });

/**
 * Asks the configured Cal.com API who owns `accessToken` (GET /v2/me). The token goes only into this request's
 * Authorization header: it is never stored, logged or put into an error (callers log `detail`, which never holds it).
 */
export async function checkCalcomToken(apiUrl: string, accessToken: string, timeoutMs: number): Promise<IdentityCheck> {
  // /v2/me takes no cal-api-version (Cal.com's own clients send none for it; the sandbox requires none).
  const res = await httpsGet(
    `${apiUrl}/v2/me`,
    { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    { timeoutMs, maxBytes: ME_MAX_BYTES },
  );
  if (res.kind === 'failed') {
    return { kind: 'unavailable', detail: res.reason === 'too large' ? 'answered more than a profile' : res.reason };
  }
  if (res.status === 401 || res.status === 403) return { kind: 'invalid' };
  if (res.status !== 200) return { kind: 'unavailable', detail: `answered ${res.status}` };
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    return { kind: 'unavailable', detail: 'answered something that is not JSON' };
  }
  const me = meEnvelope.safeParse(json);
  const account = me.success
    ? accountSchema.safeParse({
        userId: me.data.data.id,
        username: me.data.data.username,
        email: me.data.data.email,
        timeZone: me.data.data.timeZone,
      })
    : undefined;
  if (!account?.success) return { kind: 'unavailable', detail: 'answered an unexpected /v2/me shape' };
  return { kind: 'verified', account: account.data };
}
