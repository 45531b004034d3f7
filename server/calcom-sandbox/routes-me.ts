import { Router } from 'express';
import { authOf, requireScope } from './api-guards';

/** GET /v2/me (PROFILE_READ): me.output.ts fields. */
export function meRoutes(): Router {
  const r = Router();
  r.get('/v2/me', requireScope('PROFILE_READ'), (_req, res) => {
    const u = authOf(res).user;
    res.json({
      status: 'success',
      data: {
        id: u.id,
        username: u.username,
        email: u.email,
        name: u.name,
        avatarUrl: null,
        bio: null,
        timeFormat: u.timeFormat,
        defaultScheduleId: u.defaultScheduleId,
        weekStart: u.weekStart,
        timeZone: u.timeZone,
        organizationId: null,
      },
    });
  });
  return r;
}
