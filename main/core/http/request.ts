import type { FetchFn } from '../ports';

/**
 * One HTTP exchange as the core's clients need it: the injected fetch port, a timeout, the JSON body read once, and
 * every way it can go wrong turned into a value. The Cal.com client, the OAuth token endpoint and the relay client
 * each map this result onto their own error vocabulary; none of them handles fetch's exceptions itself.
 */

export interface HttpRequest {
  readonly method: string;
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON (with `content-type: application/json`) when present. */
  readonly json?: unknown;
  readonly timeoutMs: number;
  /** The caller's own abort (a stopping engine); the timeout applies as well. */
  readonly signal?: AbortSignal;
  /** Statuses whose body is dropped unread (`body` is then undefined): the Cal.com client's 401 before a refresh. */
  readonly skipBody?: (status: number) => boolean;
}

/** The server answered, with any status; `body` is the parsed JSON, null for 204, undefined when absent or not JSON. */
export interface HttpAnswer {
  readonly kind: 'answer';
  readonly ok: boolean;
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** Until the response headers arrived (what the audit log records), not counting the body. */
  readonly durationMs: number;
}

/** No answer: fetch threw (network down, DNS, refused) or the timeout or the caller's signal aborted it. */
export interface HttpNoAnswer {
  readonly kind: 'unreachable';
  readonly timedOut: boolean;
  readonly error: unknown;
  readonly durationMs: number;
}

export type HttpResult = HttpAnswer | HttpNoAnswer;

/** Performs one request; never throws. */
export async function request(fetchPort: FetchFn, req: HttpRequest): Promise<HttpResult> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const hasBody = req.json !== undefined;
  const t0 = performance.now();
  let res: Response;
  try {
    res = await fetchPort(req.url, {
      method: req.method,
      headers: { ...req.headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      body: hasBody ? JSON.stringify(req.json) : undefined,
      signal: req.signal ? AbortSignal.any([req.signal, timeout]) : timeout,
    });
  } catch (error) {
    return { kind: 'unreachable', timedOut: isAbort(error), error, durationMs: Math.round(performance.now() - t0) };
  }
  const durationMs = Math.round(performance.now() - t0);
  let body: unknown;
  if (req.skipBody?.(res.status)) await res.body?.cancel().catch(() => undefined);
  else body = res.status === 204 ? null : await res.json().catch(() => undefined);
  return { kind: 'answer', ok: res.ok, status: res.status, headers: res.headers, body, durationMs };
}

/** A fetch that gave up on its signal: the timeout (TimeoutError) or an abort (AbortError). */
export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}
