import { createHash } from 'node:crypto';
import type { IdentityCheck } from './calcom-identity';

type Check = (apiUrl: string, accessToken: string, timeoutMs: number) => Promise<IdentityCheck>;

/** Checks in flight at once, over all clients: each is a request to Cal.com from the relay's one address. */
export const MAX_CHECKS_IN_FLIGHT = 8;
/** How long a token Cal.com refused is answered 401 from memory (a refused token never becomes valid). */
const REFUSED_TTL_MS = 10 * 60_000;
const REFUSED_MAX = 10_000;

/**
 * The Cal.com token check, guarded for the relay's sake: the per-IP limit alone let many addresses have the relay send
 * Cal.com enough requests to get its address throttled, which would block real consultants' verifications (security
 * review). So: at most MAX_CHECKS_IN_FLIGHT at once (more are answered `unavailable` at once, to retry), and a token
 * Cal.com refused is refused again from memory, by its hash (the token itself is never kept).
 */
export function guardedTokenCheck(check: Check, now: () => number = Date.now): Check {
  let inFlight = 0;
  const refused = new Map<string, number>();
  return async (apiUrl, accessToken, timeoutMs) => {
    const key = createHash('sha256').update(accessToken).digest('base64');
    const until = refused.get(key);
    if (until !== undefined && until > now()) return { kind: 'invalid' };
    if (inFlight >= MAX_CHECKS_IN_FLIGHT) return { kind: 'unavailable', detail: 'too many checks at once' };
    inFlight++;
    try {
      const result = await check(apiUrl, accessToken, timeoutMs);
      if (result.kind === 'invalid') {
        if (refused.size >= REFUSED_MAX) refused.clear();
        refused.set(key, now() + REFUSED_TTL_MS);
      }
      return result;
    } finally {
      inFlight--;
    }
  };
}
