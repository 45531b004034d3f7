import { json, Router } from 'express';
import { z } from 'zod';
import { apiVersions } from '../../common/calcom';
import { authOf, requireApiVersion, requireScope } from './api-guards';
import type { SandboxContext } from './context';
import { V2Error } from './http-errors';
import type { SandboxEventType, SandboxUser } from './state';
import { parseV2 } from './v2-parse';

const confirmationPolicy = z.union([
  z.object({ disabled: z.literal(true) }),
  z.object({ type: z.enum(['always', 'time']) }).passthrough(),
]);
const base = {
  title: z.string().trim().min(1).max(255),
  slug: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug must be lowercase letters, digits and hyphens'),
  lengthInMinutes: z.number().int().min(1).max(1440),
  description: z.string().max(10_000).nullable(),
  hidden: z.boolean(),
  locations: z.array(z.object({ type: z.string() }).passthrough()),
  minimumBookingNotice: z.number().int().min(0),
  beforeEventBuffer: z.number().int().min(0),
  afterEventBuffer: z.number().int().min(0),
  slotInterval: z.number().int().min(1).nullable(),
  confirmationPolicy,
  emailSettings: z
    .object({
      disableStandardEmailsToAttendees: z.boolean().optional(),
      disableStandardEmailsToHosts: z.boolean().optional(),
    })
    .strict(),
};
// Unknown properties are stripped (class-validator whitelist); types of known ones are enforced.
const createSchema = z.object({
  ...base,
  description: base.description.optional(),
  hidden: base.hidden.optional(),
  locations: base.locations.optional(),
  minimumBookingNotice: base.minimumBookingNotice.optional(),
  beforeEventBuffer: base.beforeEventBuffer.optional(),
  afterEventBuffer: base.afterEventBuffer.optional(),
  slotInterval: base.slotInterval.optional(),
  confirmationPolicy: confirmationPolicy.optional(),
  emailSettings: base.emailSettings.optional(),
});
const updateSchema = createSchema.partial();
const idSchema = z.coerce.number().int().positive();

/** The booking form every new Cal.com event type has (name, email, location, title, notes, guests, reschedule reason). */
const defaultBookingFields = [
  {
    type: 'name',
    slug: 'name',
    label: 'Your name',
    required: true,
    isDefault: true,
    hidden: false,
    disableOnPrefill: false,
  },
  {
    type: 'email',
    slug: 'email',
    label: 'Email address',
    required: true,
    isDefault: true,
    hidden: false,
    disableOnPrefill: false,
  },
  { type: 'radioInput', slug: 'location', label: 'Location', required: false, isDefault: true, hidden: false },
  { type: 'text', slug: 'title', label: 'What is this meeting about?', required: true, isDefault: true, hidden: true },
  { type: 'textarea', slug: 'notes', label: 'Additional notes', required: false, isDefault: true, hidden: false },
  { type: 'multiemail', slug: 'guests', label: 'Add guests', required: false, isDefault: true, hidden: false },
  {
    type: 'textarea',
    slug: 'rescheduleReason',
    label: 'Reason for reschedule',
    required: false,
    isDefault: true,
    hidden: false,
  },
] as const;

/** The 2024-06-14 output shape (subset the sandbox models) plus the public booking URL. */
export function toV2EventType(et: SandboxEventType, owner: SandboxUser, baseUrl: string) {
  return {
    id: et.id,
    ownerId: et.userId,
    title: et.title,
    slug: et.slug,
    lengthInMinutes: et.lengthInMinutes,
    description: et.description,
    hidden: et.hidden,
    locations: et.locations,
    minimumBookingNotice: et.minimumBookingNotice,
    beforeEventBuffer: et.beforeEventBuffer,
    afterEventBuffer: et.afterEventBuffer,
    slotInterval: et.slotInterval,
    confirmationPolicy: et.requiresConfirmation
      ? { type: 'always', blockUnconfirmedBookingsInBooker: true }
      : { disabled: true },
    ...(et.disableStandardEmailsToAttendees !== undefined
      ? { emailSettings: { disableStandardEmailsToAttendees: et.disableStandardEmailsToAttendees } }
      : {}),
    price: 0,
    currency: 'usd',
    scheduleId: owner.defaultScheduleId,
    bookingUrl: `${baseUrl}/${owner.username}/${et.slug}`,
    // Fields Cal.com's reference marks as always present on an event type (contract test: api.test.ts).
    bookingFields: defaultBookingFields,
    disableGuests: false,
    recurrence: null,
    metadata: {},
    lockTimeZoneToggleOnBookingPage: false,
    forwardParamsSuccessRedirect: true,
    successRedirectUrl: null,
    isInstantEvent: false,
    bookingRequiresAuthentication: false,
    users: [
      {
        id: owner.id,
        name: owner.name,
        username: owner.username,
        avatarUrl: null,
        weekStart: owner.weekStart,
        brandColor: null,
        darkBrandColor: null,
        metadata: {},
      },
    ],
  };
}

const requiresConfirmation = (p: z.infer<typeof confirmationPolicy> | undefined) =>
  p ? !('disabled' in p) : undefined;

/** /v2/event-types CRUD (cal-api-version 2024-06-14; EVENT_TYPE_READ / EVENT_TYPE_WRITE). */
export function eventTypeRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const s = () => ctx.store.state;
  const version = requireApiVersion(apiVersions.eventTypes);
  const out = (et: SandboxEventType, u: SandboxUser) => toV2EventType(et, u, ctx.baseUrl());
  const owned = (id: number, user: SandboxUser) => {
    const et = s().eventTypes.find((e) => e.id === id);
    if (!et) throw new V2Error(404, `Event type with id=${id} not found`);
    if (et.userId !== user.id)
      throw new V2Error(403, `User with id=${user.id} is not the owner of event type with id=${id}`);
    return et;
  };
  const assertSlugFree = (user: SandboxUser, slug: string, exceptId?: number) => {
    // Cal.com answers a duplicate slug with 400 BadRequestException, not 409 (event-types.service.ts checkCanCreateEventType).
    if (s().eventTypes.some((e) => e.userId === user.id && e.slug === slug && e.id !== exceptId))
      throw new V2Error(400, 'User already has an event type with this slug.');
  };

  r.post('/v2/event-types', version, requireScope('EVENT_TYPE_WRITE'), json({ limit: '100kb' }), (req, res) => {
    const { user } = authOf(res);
    const { emailSettings, ...body } = parseV2(createSchema, req.body);
    assertSlugFree(user, body.slug);
    const now = new Date().toISOString();
    const et: SandboxEventType = {
      id: ctx.store.nextEventTypeId(),
      userId: user.id,
      title: body.title,
      slug: body.slug,
      lengthInMinutes: body.lengthInMinutes,
      description: body.description ?? null,
      hidden: body.hidden ?? false,
      requiresConfirmation: requiresConfirmation(body.confirmationPolicy) ?? false,
      minimumBookingNotice: body.minimumBookingNotice ?? 120,
      beforeEventBuffer: body.beforeEventBuffer ?? 0,
      afterEventBuffer: body.afterEventBuffer ?? 0,
      slotInterval: body.slotInterval ?? null,
      locations: body.locations ?? [{ type: 'integration', integration: 'cal-video' }],
      createdAt: now,
      updatedAt: now,
      ...(emailSettings?.disableStandardEmailsToAttendees !== undefined && !ctx.faults.emailSettingsIgnored()
        ? { disableStandardEmailsToAttendees: emailSettings.disableStandardEmailsToAttendees }
        : {}),
    };
    s().eventTypes.push(et);
    ctx.store.save();
    res.status(201).json({ status: 'success', data: out(et, user) });
  });

  r.get('/v2/event-types', version, requireScope('EVENT_TYPE_READ'), (req, res) => {
    const { user } = authOf(res);
    const q = parseV2(
      z.object({ eventSlug: z.string().optional(), sortCreatedAt: z.enum(['asc', 'desc']).optional() }).passthrough(),
      req.query,
    );
    let list = s().eventTypes.filter(
      (e) => e.userId === user.id && (q.eventSlug === undefined || e.slug === q.eventSlug),
    );
    if (q.sortCreatedAt)
      list = [...list].sort(
        (a, b) => (q.sortCreatedAt === 'asc' ? 1 : -1) * (a.createdAt.localeCompare(b.createdAt) || a.id - b.id),
      );
    res.json({ status: 'success', data: list.map((e) => out(e, user)) });
  });

  r.get('/v2/event-types/:id', version, requireScope('EVENT_TYPE_READ'), (req, res) => {
    const { user } = authOf(res);
    res.json({ status: 'success', data: out(owned(parseV2(idSchema, req.params.id), user), user) });
  });

  r.patch('/v2/event-types/:id', version, requireScope('EVENT_TYPE_WRITE'), json({ limit: '100kb' }), (req, res) => {
    const { user } = authOf(res);
    const et = owned(parseV2(idSchema, req.params.id), user);
    const { confirmationPolicy: policy, emailSettings, ...body } = parseV2(updateSchema, req.body ?? {});
    if (emailSettings?.disableStandardEmailsToAttendees !== undefined && !ctx.faults.emailSettingsIgnored())
      et.disableStandardEmailsToAttendees = emailSettings.disableStandardEmailsToAttendees;
    if (body.slug !== undefined) assertSlugFree(user, body.slug, et.id);
    Object.assign(et, Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)), {
      updatedAt: new Date().toISOString(),
    });
    const rc = requiresConfirmation(policy);
    if (rc !== undefined) et.requiresConfirmation = rc;
    ctx.store.save();
    res.json({ status: 'success', data: out(et, user) });
  });

  r.delete('/v2/event-types/:id', version, requireScope('EVENT_TYPE_WRITE'), (req, res) => {
    const { user } = authOf(res);
    const et = owned(parseV2(idSchema, req.params.id), user);
    s().eventTypes = s().eventTypes.filter((e) => e !== et);
    ctx.store.save();
    res.json({
      status: 'success',
      data: { id: et.id, lengthInMinutes: et.lengthInMinutes, slug: et.slug, title: et.title },
    });
  });

  return r;
}
