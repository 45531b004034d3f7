import type { z } from 'zod';
import type {
  ChannelStatus,
  CreateChannelResponse,
  PresentIdentityBody,
  PresentIdentityResponse,
  ProfileBody,
  PublishProfileResponse,
  PullResponse,
} from '../../../common/relay';
import {
  channelStatusSchema,
  createChannelResponseSchema,
  presentIdentityResponseSchema,
  publishProfileResponseSchema,
  pullResponseSchema,
} from '../../../common/relay';
import type { HttpAnswer } from '../http/request';
import { request } from '../http/request';
import { trimSlash } from '../oauth/authorize-url';
import type { FetchFn } from '../ports';
import { RelayApiError, relayFailure, unexpectedAnswer } from './relay-errors';

export { isChannelGone, RelayApiError } from './relay-errors';

/**
 * The app's one client for the relay (DESIGN.md §4, §7 "Relay API"): the channel's lifecycle (connect, heal,
 * disconnect, profile) and its event pull and ack (sync). Every call but create uses the channel's Bearer token.
 */
export interface RelayClient {
  createChannel(): Promise<CreateChannelResponse>;
  setSecret(channelId: string, token: string, secret: string): Promise<void>;
  /** Publishes the profile; null when the relay answered 2xx without the trust-model body (an older relay). */
  setProfile(channelId: string, token: string, profile: ProfileBody): Promise<PublishProfileResponse | null>;
  /** Binds the channel to the Cal.com account of `accessToken` (the relay checks it with GET /v2/me, forgets it). */
  presentIdentity(channelId: string, token: string, body: PresentIdentityBody): Promise<PresentIdentityResponse>;
  /** The channel as the relay sees it (identity, approval, profile, other device). 401: the channel is gone. */
  channelStatus(channelId: string, token: string): Promise<ChannelStatus>;
  /** Resolves false when the channel was already gone. */
  deleteChannel(channelId: string, token: string): Promise<boolean>;
  /** Raw events after `after`; `signal` aborts the pull (the engine stopping), which also times out on its own. */
  pullEvents(
    channelId: string,
    token: string,
    after: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<PullResponse>;
  /** Advances the relay's cursor for the channel. */
  ackEvents(channelId: string, token: string, upTo: number): Promise<void>;
}

export interface RelayClientOptions {
  readonly relayUrl: string;
  /** `RELAY_REGISTRATION_KEY`, when the relay requires one to create channels. */
  readonly registrationKey?: string;
  readonly fetch: FetchFn;
  readonly timeoutMs?: number;
}

/** Acks are small; a relay that takes longer is treated as down (the next ack covers this one). */
const ACK_TIMEOUT_MS = 5_000;

/** Creates a client for one relay base URL. */
export function createRelayClient(opts: RelayClientOptions): RelayClient {
  const base = trimSlash(opts.relayUrl);
  const timeoutMs = opts.timeoutMs ?? 15_000;

  interface Call {
    readonly bearer?: string | undefined;
    readonly body?: unknown;
    readonly timeoutMs?: number;
    readonly signal?: AbortSignal | undefined;
  }
  /** One call; resolves with a 2xx answer, rejects with RelayApiError. */
  async function call(method: string, path: string, c: Call = {}): Promise<HttpAnswer> {
    const res = await request(opts.fetch, {
      method,
      url: `${base}${path}`,
      headers: { accept: 'application/json', ...(c.bearer ? { authorization: `Bearer ${c.bearer}` } : {}) },
      json: c.body,
      timeoutMs: c.timeoutMs ?? timeoutMs,
      ...(c.signal ? { signal: c.signal } : {}),
    });
    if (res.kind === 'answer' && res.ok) return res;
    throw relayFailure(res);
  }

  function parse<T>(res: HttpAnswer, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) throw unexpectedAnswer(res.status);
    return parsed.data;
  }

  const channelPath = (id: string) => `/api/channels/${encodeURIComponent(id)}`;

  return {
    async createChannel() {
      const res = await call('POST', '/api/channels', { bearer: opts.registrationKey, body: {} });
      return parse(res, createChannelResponseSchema);
    },
    async setSecret(channelId, token, secret) {
      await call('PUT', `${channelPath(channelId)}/secret`, { bearer: token, body: { secret } });
    },
    async setProfile(channelId, token, profile) {
      const res = await call('PUT', `${channelPath(channelId)}/profile`, { bearer: token, body: profile });
      const parsed = publishProfileResponseSchema.safeParse(res.body);
      return parsed.success ? parsed.data : null;
    },
    async presentIdentity(channelId, token, body) {
      const res = await call('POST', `${channelPath(channelId)}/identity`, { bearer: token, body });
      return parse(res, presentIdentityResponseSchema);
    },
    async channelStatus(channelId, token) {
      return parse(await call('GET', channelPath(channelId), { bearer: token }), channelStatusSchema);
    },
    async deleteChannel(channelId, token) {
      try {
        await call('DELETE', channelPath(channelId), { bearer: token });
        return true;
      } catch (err) {
        // The relay answers an unknown channel with the same 401 as a wrong token (channel-auth.ts), and we only ever
        // send the token it gave us: after a delete that already went through, 401 means "gone".
        const gone = err instanceof RelayApiError && (err.status === 401 || err.status === 404 || err.status === 410);
        if (gone) return false;
        throw err;
      }
    },
    async pullEvents(channelId, token, after, limit, signal) {
      const path = `${channelPath(channelId)}/events?after=${after}&limit=${limit}`;
      const res = await call('GET', path, { bearer: token, signal });
      return parse(res, pullResponseSchema);
    },
    async ackEvents(channelId, token, upTo) {
      await call('POST', `${channelPath(channelId)}/ack`, { bearer: token, body: { upTo }, timeoutMs: ACK_TIMEOUT_MS });
    },
  };
}

/** One channel's pull and ack, as the sync intake uses them (sync/event-intake.ts). */
export interface ChannelEvents {
  /** `signal` aborts the pull (the engine stopping); it also times out on its own. */
  pull(after: number, limit: number, signal?: AbortSignal): Promise<PullResponse>;
  ack(upTo: number): Promise<void>;
}

/** Binds the client's pull and ack to one channel and its token. */
export function channelEventsOf(
  relay: RelayClient,
  channel: { readonly channelId: string; readonly token: string },
): ChannelEvents {
  return {
    pull: (after, limit, signal) => relay.pullEvents(channel.channelId, channel.token, after, limit, signal),
    ack: (upTo) => relay.ackEvents(channel.channelId, channel.token, upTo),
  };
}

/**
 * Presents the consultant's identity; null when the relay predates the trust model (404 on the route): the app then
 * keeps working with an anonymous channel, which such a relay still serves as before.
 */
export async function presentIdentityTo(
  relay: RelayClient,
  channelId: string,
  token: string,
  body: PresentIdentityBody,
  logger: { warn(msg: string, fields?: Record<string, unknown>): void },
): Promise<PresentIdentityResponse | null> {
  try {
    return await relay.presentIdentity(channelId, token, body);
  } catch (err) {
    if (!(err instanceof RelayApiError && err.status === 404)) throw err;
    logger.warn('relay has no identity route (older relay); the channel stays anonymous');
    return null;
  }
}
