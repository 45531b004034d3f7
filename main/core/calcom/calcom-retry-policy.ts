/** Pure retry decisions for Cal.com calls (calcom-contract.md §2.6): backoff + jitter on 5xx/network, 429 by headers. */

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

export interface RetryInput {
  /** 0 for the first failure. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** HTTP status, or undefined for a network error/timeout. */
  readonly status: number | undefined;
  readonly headers?: Headers;
  /** 0 ≤ random < 1, injected for deterministic tests. */
  readonly random: number;
  readonly nowMs: number;
}

export const BASE_DELAY_MS = 300;
export const MAX_BACKOFF_MS = 8_000;
/** Longer waits than this are not worth holding a user action for; the caller reports "rate limited". */
export const MAX_RATE_LIMIT_WAIT_MS = 65_000;

/** Decides whether and when to retry one failed attempt. */
export function decideRetry(input: RetryInput): RetryDecision {
  if (input.attempt + 1 >= input.maxAttempts) return { retry: false };
  const { status } = input;
  if (status === 429) {
    const wait = rateLimitWaitMs(input.headers, input.nowMs);
    if (wait > MAX_RATE_LIMIT_WAIT_MS) return { retry: false };
    // A little jitter so several clients released at the same instant do not collide again.
    return { retry: true, delayMs: wait + Math.floor(input.random * 250) };
  }
  if (status === undefined || status >= 500) {
    // "Full jitter" exponential backoff (AWS architecture blog): uniform in [0, min(cap, base·2^attempt)].
    const ceiling = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** input.attempt);
    return { retry: true, delayMs: Math.max(50, Math.floor(input.random * ceiling)) };
  }
  return { retry: false };
}

/**
 * How long a 429 asks us to wait. Cal.com sends `X-RateLimit-Reset-<name>`; whether the value is seconds remaining
 * or a Unix timestamp is UNCONFIRMED (contract §2.6), so large values are read as timestamps. `Retry-After` wins.
 */
export function rateLimitWaitMs(headers: Headers | undefined, nowMs: number): number {
  const fallback = 1_000;
  if (!headers) return fallback;
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
  let longest: number | undefined;
  headers.forEach((value, name) => {
    if (!name.toLowerCase().startsWith('x-ratelimit-reset')) return;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) return;
    const ms = n > 1_000_000_000_000 ? n - nowMs : n > 1_000_000_000 ? n * 1000 - nowMs : n * 1000;
    longest = Math.max(longest ?? 0, ms);
  });
  return longest === undefined ? fallback : Math.max(0, longest);
}
