import type { ProfileBody } from '../../../common/relay';
import type { CreateChannelResponse } from '../../../common/relay';
import { createChannelResponseSchema, relayErrorSchema } from '../../../common/relay';
import { AppFailure } from '../../../common/errors';
import { trimSlash } from '../oauth/authorize-url';
import type { FetchFn } from '../oauth/token-endpoint';

/** The relay's channel API (DESIGN.md §7 "Relay API"); every call but create uses the channel's Bearer token. */
export interface RelayClient {
  createChannel(): Promise<CreateChannelResponse>;
  setSecret(channelId: string, token: string, secret: string): Promise<void>;
  setProfile(channelId: string, token: string, profile: ProfileBody): Promise<void>;
  /** Resolves false when the channel was already gone. */
  deleteChannel(channelId: string, token: string): Promise<boolean>;
}

/** A relay call that failed, with the HTTP status when there was one. */
export class RelayApiError extends AppFailure {
  constructor(
    code: 'relay_unavailable' | 'relay_error',
    message: string,
    readonly status: number | undefined,
  ) {
    super(code, message);
  }
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
    throw new RelayApiError('relay_error', `The LifeScore relay refused the request (HTTP ${res.status}${detail}).`, res.status);
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
      await (await call('PUT', `${channelPath(channelId)}/profile`, token, profile)).body?.cancel();
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
