import type { PullResponse } from '../../../common/relay';
import { pullResponseSchema } from '../../../common/relay';
import type { RelayChannel } from './sync-types';

/** A relay HTTP failure; `status` is 0 when the relay could not be reached at all. */
export class RelayApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RelayApiError';
    this.status = status;
  }
}

/** The relay's pull and ack endpoints for one channel (DESIGN.md §4), Bearer-authenticated. */
export interface RelayApi {
  /** `signal` aborts the pull (the engine stopping); it also times out on its own. */
  pull(after: number, limit: number, signal?: AbortSignal): Promise<PullResponse>;
  ack(upTo: number): Promise<void>;
}

const PULL_TIMEOUT_MS = 15_000;
/** Acks are small; a relay that takes longer is treated as down (the next ack covers this one). */
const ACK_TIMEOUT_MS = 5_000;

/** Creates the client; `fetchImpl` defaults to the global fetch (never proxied: the relay URL is used as given). */
export function createRelayApi(channel: RelayChannel, fetchImpl: typeof fetch = fetch): RelayApi {
  const base = `${channel.relayUrl.replace(/\/+$/, '')}/api/channels/${encodeURIComponent(channel.channelId)}`;
  const call = async (url: string, init: RequestInit, timeoutMs: number, signal?: AbortSignal): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchImpl(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${channel.token}` },
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new RelayApiError(0, 'relay unreachable', { cause: err });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new RelayApiError(res.status, `relay answered ${res.status}`);
    }
    return res;
  };
  return {
    async pull(after, limit, signal) {
      const res = await call(`${base}/events?after=${after}&limit=${limit}`, { method: 'GET' }, PULL_TIMEOUT_MS, signal);
      const parsed = pullResponseSchema.safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw new RelayApiError(res.status, 'relay pull response did not match the protocol');
      return parsed.data;
    },
    async ack(upTo) {
      const res = await call(`${base}/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ upTo }) }, ACK_TIMEOUT_MS);
      await res.body?.cancel();
    },
  };
}
