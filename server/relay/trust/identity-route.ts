import express, { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { presentIdentityBodySchema, type PresentIdentityResponse } from '../../../common/relay';
import type { TrustConfig } from '../config';
import { channelLabel } from '../crypto';
import { HttpError, sendError } from '../errors';
import type { Profiles } from '../profile';
import { limiter } from '../rate-limits';
import type { ChannelRecord } from '../store/types';
import { checkCalcomToken } from './calcom-identity';
import { guardedTokenCheck } from './token-check-guard';
import { channelStatus, identityOf } from './channel-status';
import type { TrustStore } from './trust-store';

export interface IdentityRouteDeps {
  readonly trust: TrustStore;
  readonly profiles: Profiles;
  readonly config: TrustConfig;
  readonly apiPerIpPerMinute: number;
  readonly requireChannelToken: RequestHandler;
  readonly publicUrl: () => string;
  readonly now: () => number;
  readonly logger: Logger;
  /** Deletes a channel as DELETE /api/channels/:id does: events, profile, pending mail, binding; ends its streams. */
  readonly closeChannel: (id: string) => Promise<void>;
  /** Configuration only (RELAY_CALCOM_API_URL), never anything from the request. */
  readonly calcomApiUrl: () => string;
}

/** `POST /api/channels/:id/identity` (verify the consultant's Cal.com account) and `GET /api/channels/:id` (status). */
export function identityRouter(deps: IdentityRouteDeps): Router {
  const { trust, logger } = deps;
  const router = Router();
  const json = express.json({ limit: '16kb', strict: true });
  const api = limiter({ perMinute: deps.apiPerIpPerMinute });
  // Each attempt costs a Cal.com request on our behalf: few per IP, so the relay is no token-checking oracle.
  const attempts = limiter({ perMinute: deps.config.identityPerIpPerMinute });
  const checkToken = guardedTokenCheck(checkCalcomToken);

  router.get('/:id', api, deps.requireChannelToken, async (_req, res) => {
    const channel = res.locals.channel as ChannelRecord;
    res
      .set('Cache-Control', 'no-store')
      .json(await channelStatus(channel, { trust, profiles: deps.profiles, publicUrl: deps.publicUrl() }));
  });

  router.post('/:id/identity', attempts, deps.requireChannelToken, json, async (req, res) => {
    if (!req.is('application/json')) return sendError(res, 415, 'unsupported_media_type', 'Send application/json.');
    const parsed = presentIdentityBodySchema.safeParse(req.body);
    if (!parsed.success) {
      // Messages name fields only (never the values): a malformed body may still hold a real token.
      throw new HttpError(
        400,
        'bad_request',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    }
    const { accessToken, deviceId } = parsed.data;
    const channel = res.locals.channel as ChannelRecord;
    const label = channelLabel(channel.id);
    const check = await checkToken(deps.calcomApiUrl(), accessToken, deps.config.calcomTimeoutMs);
    if (check.kind === 'invalid') {
      logger.warn({ channel: label }, 'identity refused: Cal.com did not accept the presented token');
      return sendError(res, 401, 'invalid_calcom_token', 'Cal.com did not accept this access token.');
    }
    if (check.kind === 'unavailable') {
      logger.warn({ channel: label, detail: check.detail }, 'identity not verified: Cal.com unavailable');
      return sendError(
        res,
        502,
        'calcom_unavailable',
        `The relay could not verify the token with Cal.com (${check.detail}); try again later.`,
      );
    }
    const { account } = check;
    const existing = await trust.getBinding(channel.id);
    if (existing && existing.userId !== account.userId) {
      logger.warn({ channel: label }, 'identity refused: channel bound to another Cal.com account');
      return sendError(
        res,
        409,
        'account_mismatch',
        'This channel belongs to another Cal.com account; create a new channel.',
      );
    }
    const now = deps.now();
    const record = await trust.upsertAccount(account, now, deps.config.approval === 'auto' ? 'approved' : 'pending');
    // One live channel per account and device: older ones of this device go; other devices learn they were joined.
    let replacedChannels = 0;
    for (const b of await trust.bindingsOfAccount(account.userId)) {
      if (b.channelId === channel.id) continue;
      if (b.deviceId === deviceId) {
        await deps.closeChannel(b.channelId);
        replacedChannels++;
      } else {
        await trust.markOtherDevice(b.channelId, now);
      }
    }
    await trust.bindChannel({ channelId: channel.id, userId: account.userId, deviceId, verifiedAt: now });
    logger.info(
      { channel: label, userId: account.userId, approval: record.approval, replacedChannels },
      'channel verified',
    );
    const body: PresentIdentityResponse = {
      identity: identityOf(record, {
        channelId: channel.id,
        userId: account.userId,
        deviceId,
        verifiedAt: now,
        otherDeviceSince: null,
      }),
      approval: record.approval,
      replacedChannels,
    };
    res.status(200).set('Cache-Control', 'no-store').json(body);
  });

  return router;
}
