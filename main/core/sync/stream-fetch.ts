import { TransformStream } from 'node:stream/web';
import type { fetch as undiciFetch } from 'undici';
import { lazyImport } from '../../../common/lazy-import';

/**
 * The `fetch` handed to smee-client. smee-client uses one fetch for two different calls (relay-notes §1):
 * the SSE request to the relay (gets the Bearer token and the durable resume cursor, and is watched for
 * liveness) and the forwarded POST to the loopback receiver (gets neither, and never goes through a proxy).
 */

export interface StreamFetchOptions {
  readonly token: string;
  /** The highest contiguous applied sequence, read at every (re)connect. */
  readonly cursor: () => number;
  /** Called for every chunk on the stream, heartbeats (`:` comments, invisible to EventSource) included. */
  readonly onActivity: () => void;
  /** The stream's HTTP status, so the supervisor can tell a revoked token (401) from an outage. */
  readonly onStatus?: (status: number) => void;
  readonly fetchImpl?: typeof undiciFetch;
}

type FetchInput = Parameters<typeof undiciFetch>[0];
type FetchInit = NonNullable<Parameters<typeof undiciFetch>[1]> & { dispatcher?: unknown };

/** undici (smee-client's own fetch library, whose proxy dispatcher it passes in) loads on the first request. */
const loadUndici = lazyImport('undici', () => import('undici'));

/** True for eventsource's request (it always sends `Accept: text/event-stream`); smee-client's forward is a POST. */
export function isStreamRequest(init: FetchInit | undefined): boolean {
  if ((init?.method ?? 'GET').toUpperCase() !== 'GET') return false;
  // Node's global Headers (undici loads only for the request itself) reads any HeadersInit: a record, pairs, or an
  // undici Headers (iterable). The two undici type packages differ only in how loosely they type a record's values.
  const headers = new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]);
  return (headers.get('accept') ?? '').includes('text/event-stream');
}

/** Adds (or replaces) `since` on the stream URL. */
export function withSince(input: FetchInput, since: number): string {
  const url = new URL(typeof input === 'string' ? input : 'href' in input ? input.href : input.url);
  url.searchParams.set('since', String(since));
  return url.href;
}

/** Builds the wrapper. */
export function createStreamFetch(options: StreamFetchOptions) {
  return async (input: FetchInput, init?: FetchInit) => {
    const { fetch: defaultFetch, Headers } = await loadUndici();
    const doFetch = options.fetchImpl ?? defaultFetch;
    if (!isStreamRequest(init)) {
      // The forward to 127.0.0.1: drop smee-client's proxy dispatcher, a corporate proxy must not see it.
      const { dispatcher: _proxy, ...rest } = init ?? {};
      return doFetch(input, rest);
    }
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${options.token}`);
    const res = await doFetch(withSince(input, options.cursor()), { ...init, headers } as FetchInit);
    options.onStatus?.(res.status);
    options.onActivity();
    if (!res.body) return res;
    const body = res.body.pipeThrough(
      // node:stream/web's class, the one undici's body is typed with (the DOM lib's global differs in typings).
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          options.onActivity();
          controller.enqueue(chunk);
        },
      }),
    );
    // eventsource reads only these fields; a plain object keeps the wrapped body without rebuilding a Response.
    return {
      status: res.status,
      statusText: res.statusText,
      ok: res.ok,
      headers: res.headers,
      redirected: res.redirected,
      url: res.url,
      body,
    };
  };
}
