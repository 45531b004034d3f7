import type { z } from 'zod';
import { v2ErrorSchema } from '../../../common/calcom';
import type { ErrorCode } from '../../../common/errors';
import { AppFailure } from '../../../common/errors';
import { trimSlash } from '../oauth/authorize-url';
import { request as httpRequest } from '../http/request';
import type { Clock, FetchFn, Logger, Sleep } from '../ports';
import { decideRetry } from './calcom-retry-policy';
import { auditPath, rateLimitOf } from '../audit/audit-redaction';
import type { AuditSink } from '../audit/audited-fetch';
import type { TokenManager } from './token-manager';

/** A Cal.com API call that failed for good, with the HTTP status kept for callers that branch on it (409, 404). */
export class CalcomApiError extends AppFailure {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number | undefined,
    readonly apiMessage?: string,
  ) {
    super(code, message);
  }
}

export interface CalcomHttpDeps {
  readonly apiUrl: string;
  readonly tokens: Pick<TokenManager, 'accessToken' | 'refreshAfterUnauthorized'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly fetch: FetchFn;
  readonly sleep: Sleep;
  /** Retry jitter (the random port's `fraction`). */
  readonly random: () => number;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** Every attempt is recorded here (issue 19 audit log): no token, no body. */
  readonly audit?: AuditSink;
}

export interface CalcomRequest<T> {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, string | number | undefined>;
  readonly body?: unknown;
  /** `cal-api-version`; per endpoint family (common/calcom.ts apiVersions). */
  readonly version?: string;
  readonly schema: z.ZodType<T>;
}

export type CalcomHttp = <T>(req: CalcomRequest<T>) => Promise<T>;

/**
 * Builds the request function: Bearer auth, timeouts, retries (calcom-retry-policy.ts), one refresh on 401,
 * zod-checked bodies.
 */
export function createCalcomHttp(deps: CalcomHttpDeps): CalcomHttp {
  const { fetch: doFetch, sleep, random } = deps;
  const maxAttempts = deps.maxAttempts ?? 4;
  const timeoutMs = deps.timeoutMs ?? 15_000;

  return async function request<T>(req: CalcomRequest<T>): Promise<T> {
    const url = new URL(`${trimSlash(deps.apiUrl)}${req.path}`);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    let token = await deps.tokens.accessToken();
    let refreshed = false;
    const path = auditPath(url);
    let tries = 0;
    for (let attempt = 0; ; attempt++) {
      const atMs = deps.clock.now();
      const base = {
        kind: 'api' as const,
        method: req.method,
        path,
        attempt: tries++,
        afterRefresh: refreshed,
        grant: null,
        atMs,
      };
      const res = await httpRequest(doFetch, {
        method: req.method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(req.version ? { 'cal-api-version': req.version } : {}),
        },
        json: req.body,
        timeoutMs,
        // A 401 before the one refresh is replayed, so its body is not worth reading.
        skipBody: (status) => status === 401 && !refreshed,
      });
      if (res.kind === 'unreachable') {
        const outcome = res.timedOut ? 'timeout' : 'network';
        deps.audit?.({ ...base, status: null, outcome, durationMs: res.durationMs, rateLimit: null });
        const d = decideRetry({ attempt, maxAttempts, status: undefined, random: random(), nowMs: deps.clock.now() });
        deps.logger.warn('calcom request failed', {
          method: req.method,
          path: req.path,
          attempt,
          err: String(res.error),
        });
        if (d.retry) {
          await sleep(d.delayMs);
          continue;
        }
        throw new CalcomApiError(
          'calcom_unavailable',
          'Cal.com could not be reached. Check your connection and try again.',
          undefined,
        );
      }
      deps.audit?.({
        ...base,
        status: res.status,
        outcome: res.ok ? 'ok' : 'http-error',
        durationMs: res.durationMs,
        rateLimit: rateLimitOf(res.headers),
      });
      if (res.status === 401 && !refreshed) {
        // The token may have expired early or been rotated elsewhere: refresh once, then replay.
        refreshed = true;
        token = await deps.tokens.refreshAfterUnauthorized(token);
        attempt--;
        continue;
      }
      const json = res.body;
      if (res.ok) {
        const parsed = req.schema.safeParse(json);
        if (parsed.success) return parsed.data;
        deps.logger.error('calcom response did not match the schema', {
          path: req.path,
          issues: parsed.error.issues.slice(0, 5),
        });
        throw new CalcomApiError(
          'calcom_error',
          'Cal.com answered with something this app does not understand.',
          res.status,
        );
      }
      const d = decideRetry({
        attempt,
        maxAttempts,
        status: res.status,
        headers: res.headers,
        random: random(),
        nowMs: deps.clock.now(),
      });
      if (d.retry) {
        deps.logger.warn('calcom request will be retried', {
          method: req.method,
          path: req.path,
          status: res.status,
          delayMs: d.delayMs,
        });
        await sleep(d.delayMs);
        continue;
      }
      throw failureFor(res.status, json);
    }
  };
}

function failureFor(status: number, json: unknown): CalcomApiError {
  const env = v2ErrorSchema.safeParse(json);
  const apiMessage = env.success ? env.data.error.message.slice(0, 300) : undefined;
  if (status === 429)
    return new CalcomApiError(
      'calcom_rate_limited',
      'Cal.com is limiting requests right now. Try again in a minute.',
      status,
      apiMessage,
    );
  if (status >= 500)
    return new CalcomApiError(
      'calcom_unavailable',
      `Cal.com is having trouble (HTTP ${status}). Try again in a moment.`,
      status,
      apiMessage,
    );
  if (status === 401)
    return new CalcomApiError(
      'reconnect_needed',
      'Cal.com no longer accepts this connection. Please reconnect Cal.com.',
      status,
      apiMessage,
    );
  if (status === 403)
    return new CalcomApiError(
      'calcom_error',
      'Cal.com refused: the connection lacks a permission. Reconnect and approve every permission.',
      status,
      apiMessage,
    );
  return new CalcomApiError(
    'calcom_error',
    `Cal.com refused the request (HTTP ${status}${apiMessage ? `: ${apiMessage}` : ''}).`,
    status,
    apiMessage,
  );
}
