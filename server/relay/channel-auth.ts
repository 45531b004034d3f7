import type { RequestHandler, Response } from 'express';
import { channelIdSchema } from '../../common/relay';
import { bearerToken, channelLabel, hashToken, tokenMatches } from './crypto';
import { sendError, unauthorized } from './errors';
import type { ChannelRecord, RelayStore } from './store/types';

// Compared against when the channel doesn't exist, so timing doesn't reveal existence.
const DUMMY_HASH = hashToken('no-such-channel');

/**
 * Requires `Authorization: Bearer <channel token>` for the channel in :channel or :id. A wrong token, a missing
 * token and an unknown channel all get the same 401. Sets res.locals.channel.
 */
export function channelAuth(
  store: RelayStore,
  param: 'id' | 'channel',
  onStorageError: (err: unknown) => void,
  onUnavailable: (res: Response) => void = (res) =>
    sendError(res, 503, 'storage_unavailable', 'The relay could not reach its storage.'),
): RequestHandler {
  return async (req, res, next) => {
    const id = String(req.params[param]);
    const token = bearerToken(req.get('authorization'));
    let channel: ChannelRecord | undefined;
    try {
      channel = channelIdSchema.safeParse(id).success ? await store.getChannel(id) : undefined;
    } catch (err) {
      onStorageError(err);
      return onUnavailable(res);
    }
    const ok =
      tokenMatches(token ?? '', channel?.tokenHash ?? DUMMY_HASH) && channel !== undefined && token !== undefined;
    if (!ok) {
      const e = unauthorized();
      res.set('WWW-Authenticate', 'Bearer');
      return sendError(res, e.status, e.code, e.message);
    }
    res.locals.channel = channel;
    res.locals.channelLabel = channelLabel(id);
    next();
  };
}
