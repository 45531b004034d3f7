import type { z } from 'zod';
import type { ChannelStatus, CreateChannelResponse, PresentIdentityBody, PresentIdentityResponse, ProfileBody, PublishProfileResponse } from '../../../common/relay';
import {
  channelStatusSchema,
  createChannelResponseSchema,
  presentIdentityResponseSchema,
  publishProfileResponseSchema,
  relayErrorSchema,
} from '../../../common/relay';
import { AppFailure } from '../../../common/errors';
import { trimSlash } from '../oauth/authorize-url';
import type { FetchFn } from '../oauth/token-endpoint';

/** The relay's channel API (DESIGN.md §7 "Relay API"); every call but create uses the channel's Bearer token. */
export interface RelayClient {
  createChannel(): Promise<CreateChannelResponse>;
  setSecret(channelId: string, token: string, secret: string): Promise<void>;
  /** Publishes the profile; null when the relay answered 2xx without the trust-model body (an older relay). */
  setProfile(channelId: string, token: string, profile: ProfileBody): Promise<PublishProfileResponse | null>;
  /** Binds the channel to the Cal.com account of `accessToken` (the relay verifies it with GET /v2/me and forgets it). */
  presentIdentity(channelId: string, token: string, body: PresentIdentityBody): Promise<PresentIdentityResponse>;
  /** The channel as the relay sees it (identity, approval, profile, other device). 401 `unauthorized`: the channel is gone. */
  channelStatus(channelId: string, token: string): Promise<ChannelStatus>;
  /** Resolves false when the channel was already gone. */
  deleteChannel(channelId: string, token: string): Promise<boolean>;
}

/** A relay call that failed, with the HTTP status when there was one. */
export class RelayApiError extends AppFailure {
  constructor(
    code: 'relay_unavailable' | 'relay_error',
    message: string,
    readonly status: number | undefined,
    /** The relay's own error code (`slug_taken`, `unauthorized`, …; common/relay.ts RELAY_ERROR_CODES), when it sent one. */
    readonly relayCode?: string,
  ) {
    super(code, message);
  }
}

/** True when the relay no longer knows this channel (deleted, or its data was wiped): the app must make a new one. */
export function isChannelGone(err: unknown): boolean {
  return err instanceof RelayApiError && err.status === 401;
}

export interface RelayClientOptions {
  readonly relayUrl: string;
  /** `RELAY_REGISTRATION_KEY`, when the relay requires one to create channels. */
  readonly registrationKey?: string;
  readonly fetch?: FetchFn;
  readonly timeoutMs?: number;
}

/** Creates a client for one relay base URL. */
export function createRelayClient(opts: RelayClientOptions): RelayClient {
  const base = trimSlash(opts.relayUrl);
  const doFetch = opts.fetch ?? fetch;

  async function call(method: string, path: string, bearer: string | undefined, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      });
    } catch {
      throw new RelayApiError('relay_unavailable', 'The LifeScore relay could not be reached. Check your connection and try again.', undefined);
    }
    if (res.ok) return res;
    const json: unknown = await res.json().catch(() => undefined);
    const parsed = relayErrorSchema.safeParse(json);
    const detail = parsed.success ? `: ${parsed.data.error.message.slice(0, 200)}` : '';
    if (res.status >= 500 || res.status === 429) {
      throw new RelayApiError('relay_unavailable', `The LifeScore relay is having trouble (HTTP ${res.status}). Try again in a moment.`, res.status);
    }
    throw new RelayApiError('relay_error', `The LifeScore relay refused the request (HTTP ${res.status}${detail}).`, res.status, parsed.success ? parsed.data.error.code : undefined);
  }

  async function parse<T>(res: Response, schema: z.ZodType<T>): Promise<T> {
    const parsed = schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new RelayApiError('relay_error', 'The LifeScore relay answered with an unexpected response.', res.status);
    return parsed.data;
  }

  const channelPath = (id: string) => `/api/channels/${encodeURIComponent(id)}`;

  return {
    async createChannel() {
      const res = await call('POST', '/api/channels', opts.registrationKey, {});
      const parsed = createChannelResponseSchema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new RelayApiError('relay_error', 'The LifeScore relay answered with an unexpected response.', res.status);
      return parsed.data;
    },
    async setSecret(channelId, token, secret) {
      await (await call('PUT', `${channelPath(channelId)}/secret`, token, { secret })).body?.cancel();
    },
    async setProfile(channelId, token, profile) {
      const res = await call('PUT', `${channelPath(channelId)}/profile`, token, profile);
      const parsed = publishProfileResponseSchema.safeParse(await res.json().catch(() => undefined));
      return parsed.success ? parsed.data : null;
    },
    async presentIdentity(channelId, token, body) {
      return parse(await call('POST', `${channelPath(channelId)}/identity`, token, body), presentIdentityResponseSchema);
    },
    async channelStatus(channelId, token) {
      return parse(await call('GET', channelPath(channelId), token), channelStatusSchema);
    },
    async deleteChannel(channelId, token) {
      try {
        await (await call('DELETE', channelPath(channelId), token)).body?.cancel();
        return true;
      } catch (err) {
        // The relay answers an unknown channel with the same 401 as a wrong token (channel-auth.ts), and we only ever
        // send the token it gave us: after a delete that already went through, 401 means "gone".
        if (err instanceof RelayApiError && (err.status === 401 || err.status === 404 || err.status === 410)) return false;
        throw err;
      }
    },
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
