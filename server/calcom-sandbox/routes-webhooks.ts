import { json, Router } from 'express';
import { z } from 'zod';
import { CALCOM_WEBHOOK_VERSION } from '../../common/calcom';
import { authOf, requireScope } from './api-guards';
import type { SandboxContext } from './context';
import { V2Error } from './http-errors';
import { newWebhookId } from './ids';
import type { SandboxUser, SandboxWebhook } from './state';
import { parseV2 } from './v2-parse';

/** Subscribable triggers (contract §3.5; PING is the test button's and cannot be subscribed). */
export const webhookTriggers = [
  'BOOKING_CREATED',
  'BOOKING_RESCHEDULED',
  'BOOKING_CANCELLED',
  'BOOKING_REQUESTED',
  'BOOKING_REJECTED',
  'BOOKING_PAYMENT_INITIATED',
  'BOOKING_PAID',
  'BOOKING_NO_SHOW_UPDATED',
  'MEETING_STARTED',
  'MEETING_ENDED',
  'RECORDING_READY',
  'RECORDING_TRANSCRIPTION_GENERATED',
  'INSTANT_MEETING',
  'OOO_CREATED',
  'FORM_SUBMITTED',
  'FORM_SUBMITTED_NO_EVENT',
  'ROUTING_FORM_FALLBACK_HIT',
  'AFTER_HOSTS_CAL_VIDEO_NO_SHOW',
  'AFTER_GUESTS_CAL_VIDEO_NO_SHOW',
] as const;

// Cal.com checks http/https only and rejects private addresses in production; the sandbox allows loopback (documented).
const subscriberUrl = z.url({ protocol: /^https?$/ }).max(2048);
const createSchema = z.object({
  subscriberUrl,
  triggers: z.array(z.enum(webhookTriggers)).min(1),
  active: z.boolean(),
  secret: z.string().max(1024).optional(),
  payloadTemplate: z.string().max(100_000).nullable().optional(),
  version: z.literal(CALCOM_WEBHOOK_VERSION).optional(),
});
const updateSchema = createSchema.extend({ secret: z.string().max(1024).nullable() }).partial();
const pageSchema = z
  .object({
    take: z.coerce.number().int().min(1).max(250).default(250),
    skip: z.coerce.number().int().min(0).default(0),
  })
  .passthrough();

/** UserWebhookOutputDto. */
function out(w: SandboxWebhook) {
  return {
    id: w.id,
    subscriberUrl: w.subscriberUrl,
    triggers: w.triggers,
    active: w.active,
    payloadTemplate: w.payloadTemplate,
    secret: w.secret ?? undefined,
    userId: w.userId,
  };
}

/** /v2/webhooks CRUD (WEBHOOK_READ / WEBHOOK_WRITE); one webhook per (user, subscriberUrl). */
export function webhookRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const s = () => ctx.store.state;
  const owned = (id: string, user: SandboxUser) => {
    const w = s().webhooks.find((x) => x.id === id);
    if (!w) throw new V2Error(404, `Webhook with id ${id} not found`);
    // IsUserWebhookGuard returns false, which NestJS answers with its default 403 message.
    if (w.userId !== user.id) throw new V2Error(403, 'Forbidden resource');
    return w;
  };
  const assertUrlFree = (user: SandboxUser, url: string, exceptId?: string) => {
    // user-webhooks.service.ts message, without the id some newer builds append (calcom #25611): clients must list and find by URL.
    if (s().webhooks.some((w) => w.userId === user.id && w.subscriberUrl === url && w.id !== exceptId)) {
      throw new V2Error(409, 'Webhook with this subscriber url already exists for this user');
    }
  };

  r.post('/v2/webhooks', requireScope('WEBHOOK_WRITE'), json({ limit: '200kb' }), (req, res) => {
    const { user } = authOf(res);
    const body = parseV2(createSchema, req.body);
    assertUrlFree(user, body.subscriberUrl);
    const w: SandboxWebhook = {
      id: newWebhookId(),
      userId: user.id,
      subscriberUrl: body.subscriberUrl,
      triggers: [...new Set(body.triggers)],
      active: body.active,
      secret: body.secret ?? null,
      payloadTemplate: body.payloadTemplate ?? null,
      createdAt: new Date().toISOString(),
    };
    s().webhooks.push(w);
    ctx.store.save();
    res.status(201).json({ status: 'success', data: out(w) });
  });

  r.get('/v2/webhooks', requireScope('WEBHOOK_READ'), (req, res) => {
    const { user } = authOf(res);
    const q = parseV2(pageSchema, req.query);
    res.json({
      status: 'success',
      data: s()
        .webhooks.filter((w) => w.userId === user.id)
        .slice(q.skip, q.skip + q.take)
        .map(out),
    });
  });

  r.get('/v2/webhooks/:id', requireScope('WEBHOOK_READ'), (req, res) => {
    res.json({ status: 'success', data: out(owned(String(req.params.id), authOf(res).user)) });
  });

  r.patch('/v2/webhooks/:id', requireScope('WEBHOOK_WRITE'), json({ limit: '200kb' }), (req, res) => {
    const { user } = authOf(res);
    const w = owned(String(req.params.id), user);
    const body = parseV2(updateSchema, req.body ?? {});
    if (body.subscriberUrl !== undefined) assertUrlFree(user, body.subscriberUrl, w.id);
    if (body.subscriberUrl !== undefined) w.subscriberUrl = body.subscriberUrl;
    if (body.triggers !== undefined) w.triggers = [...new Set(body.triggers)];
    if (body.active !== undefined) w.active = body.active;
    if (body.secret !== undefined) w.secret = body.secret;
    if (body.payloadTemplate !== undefined) w.payloadTemplate = body.payloadTemplate;
    ctx.store.save();
    res.json({ status: 'success', data: out(w) });
  });

  r.delete('/v2/webhooks/:id', requireScope('WEBHOOK_WRITE'), (req, res) => {
    const w = owned(String(req.params.id), authOf(res).user);
    s().webhooks = s().webhooks.filter((x) => x !== w);
    ctx.store.save();
    res.json({ status: 'success', data: out(w) });
  });

  return r;
}
