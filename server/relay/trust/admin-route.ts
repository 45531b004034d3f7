import { Router, type RequestHandler } from 'express';
import type { ConsultantRow } from '../../../common/relay';
import { bearerToken, hashToken, tokenMatches } from '../crypto';
import { sendError } from '../errors';
import type { Profiles } from '../profile';
import { limiter } from '../rate-limits';
import type { AccountRecord, TrustStore } from './trust-store';

export interface AdminRouteDeps {
  readonly trust: TrustStore;
  readonly profiles: Profiles;
  /** undefined: the admin API does not exist (404), so an unconfigured relay has no door to guess at. */
  readonly adminToken: string | undefined;
  readonly apiPerIpPerMinute: number;
  readonly now: () => number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `/api/admin`: list consultants, approve or suspend one (per Cal.com account), behind RELAY_ADMIN_TOKEN. */
export function adminRouter(deps: AdminRouteDeps): Router {
  const router = Router();
  const { trust, adminToken } = deps;
  if (adminToken === undefined) {
    router.use((_req, res) => sendError(res, 404, 'not_found', 'No such route.'));
    return router;
  }
  const tokenHash = hashToken(adminToken);
  const requireAdmin: RequestHandler = (req, res, next) => {
    if (!tokenMatches(bearerToken(req.get('authorization')) ?? '', tokenHash)) {
      res.set('WWW-Authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'The admin API needs Authorization: Bearer <RELAY_ADMIN_TOKEN>.');
    }
    next();
  };
  router.use(limiter({ perMinute: deps.apiPerIpPerMinute }), requireAdmin);

  const row = async (a: AccountRecord & { channels?: number }): Promise<ConsultantRow> => {
    const bindings = await trust.bindingsOfAccount(a.userId);
    let slug: string | null = null;
    for (const b of bindings) slug ??= (await deps.profiles.getByChannel(b.channelId))?.profile.slug ?? null;
    return {
      userId: a.userId,
      username: a.username,
      email: a.email,
      approval: a.approval,
      channels: a.channels ?? bindings.length,
      slug,
      firstVerifiedAt: new Date(a.firstVerifiedAt).toISOString(),
      decidedAt: iso(a.decidedAt),
    };
  };

  router.get('/consultants', async (_req, res) => {
    const rows = await Promise.all((await trust.listAccounts()).map(row));
    res.set('Cache-Control', 'no-store').json({ consultants: rows });
  });

  for (const [action, approval] of [
    ['approve', 'approved'],
    ['suspend', 'suspended'],
  ] as const) {
    router.post(`/consultants/:username/${action}`, async (req, res) => {
      const account = await trust.getAccountByUsername(String(req.params.username));
      if (!account)
        return sendError(
          res,
          404,
          'not_found',
          `No verified consultant with the Cal.com username "${String(req.params.username)}".`,
        );
      const updated = (await trust.setApproval(account.userId, approval, deps.now())) ?? account;
      res.set('Cache-Control', 'no-store').json({ consultant: await row(updated) });
    });
  }
  router.use((_req, res) => sendError(res, 404, 'not_found', 'No such route.'));
  return router;
}
