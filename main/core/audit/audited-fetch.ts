import { isAbort } from '../http/request';
import type { FetchFn } from '../ports';
import type { AuditRecord } from './audit-store';
import { auditPath, grantOf, rateLimitOf } from './audit-redaction';

/** Where audit records go (the audit store once open; dropped before). */
export type AuditSink = (record: AuditRecord) => void;

/** `timeout` for an aborted-by-timeout fetch, `network` for anything else that threw. */
export function failureOutcome(err: unknown): 'timeout' | 'network' {
  return isAbort(err) ? 'timeout' : 'network';
}

/**
 * A fetch for the OAuth token endpoint that records each exchange (grant type, status, duration, rate limits) and
 * never its body, code or tokens.
 */
export function auditedTokenFetch(inner: FetchFn, sink: AuditSink, now: () => number): FetchFn {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const base = {
      kind: 'oauth' as const,
      method: init?.method ?? 'GET',
      path: auditPath(url),
      attempt: 0,
      afterRefresh: false,
      grant: grantOf(init?.body),
    };
    const atMs = now();
    const t0 = performance.now();
    try {
      const res = await inner(input, init);
      sink({
        ...base,
        atMs,
        status: res.status,
        outcome: res.ok ? 'ok' : 'http-error',
        durationMs: Math.round(performance.now() - t0),
        rateLimit: rateLimitOf(res.headers),
      });
      return res;
    } catch (err) {
      sink({
        ...base,
        atMs,
        status: null,
        outcome: failureOutcome(err),
        durationMs: Math.round(performance.now() - t0),
        rateLimit: null,
      });
      throw err;
    }
  };
}
