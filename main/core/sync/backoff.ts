/** Reconnect delays while the relay is unreachable: exponential with full jitter, so many apps don't stampede. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * The delay before attempt `attempt` (0 = first retry): uniform in [cap/2, cap], cap = min(max, base·2^attempt).
 * `random` is the random port's fraction (0 ≤ n < 1), so tests can pin the jitter.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  // Half fixed, half random: full jitter could retry at ~0 ms in a tight loop against a relay that is down.
  return Math.round(cap / 2 + random() * (cap / 2));
}
