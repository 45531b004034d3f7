/** Decisions of the outbox worker after a failed send; pure, so they are table-tested. */

export interface RetryOptions {
  /** First retry delay (doubles each attempt). */
  readonly baseMs: number;
  /** Ceiling of one delay. */
  readonly maxMs: number;
  /** A message still failing transiently after this long (from enqueue) is given up and recorded as failed. */
  readonly giveUpAfterMs: number;
}

export const defaultRetry: RetryOptions = { baseMs: 5_000, maxMs: 30 * 60_000, giveUpAfterMs: 3 * 24 * 60 * 60_000 };

/**
 * Permanent when the server answered 5xx (mailbox unknown, message refused): retrying cannot help. Authentication
 * failures (EAUTH, 530/534/535) are the exception: they are the relay's configuration, fixable by the operator,
 * and failing every email for them would lose mail. Everything else (4xx, refused or dropped connections,
 * timeouts, DNS, a full disk in .eml mode) is transient.
 */
export function isPermanent(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown };
  if (e?.code === 'EAUTH') return false;
  return typeof e?.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries after an outage spread out. */
export function retryDelay(attempt: number, opts: RetryOptions, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** A short, single-line description of a send error for the outbox row (no message content). */
export function describeError(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const parts = [e?.code, e?.responseCode, typeof e?.response === 'string' ? e.response : e?.message].filter(
    (x) => x !== undefined && x !== '',
  );
  return parts.map(String).join(' ').replace(/\s+/g, ' ').slice(0, 500) || 'unknown error';
}
