import { z } from 'zod';
import { bookerMetadataSchema, type BookerMetadata } from './booker-metadata';
import { SandboxError } from './http-errors';
import { randomUid } from './ids';
import { overlapsActiveBooking } from './slots';
import type { SandboxBooking, SandboxEventType, SandboxUser, SandboxWebhook } from './state';
import type { SandboxStore } from './store';
import { isValidTimeZone } from './time-zones';
import { toV2Booking, type V2BookingOut } from './v2-booking';
import {
  buildCancelledPayload,
  buildCreatedLikePayload,
  buildNoShowPayload,
  buildPingPayload,
  buildRescheduledPayload,
  envelope,
  type PayloadContext,
} from './webhook-payload';
import type { Delivery, WebhookSender } from './webhook-sender';

/** Input of createBooking (programmatic and /_sandbox/bookings). */
export const createBookingInputSchema = z.object({
  username: z.string().min(1),
  eventTypeSlug: z.string().min(1),
  start: z.iso.datetime({ offset: true }),
  attendee: z.object({
    name: z.string().trim().min(1).max(200),
    email: z.email(),
    timeZone: z.string().refine(isValidTimeZone, 'unknown time zone'),
  }),
  notes: z.string().max(5000).optional(),
  guests: z.array(z.email()).max(10).optional(),
  /** The booker's metadata (untrusted: anyone who books chooses it). */
  metadata: bookerMetadataSchema.optional(),
});
/** Input of createBooking (validated at run time too). */
export type CreateBookingInput = z.infer<typeof createBookingInputSchema>;

/** What every booking-changing method returns: the booking (v2 shape) and the webhook deliveries it caused, awaited. */
export interface BookingResult {
  booking: V2BookingOut;
  deliveries: Delivery[];
}

/** Booking state changes, each firing the matching webhook to every active subscriber of the organizer (contract §3.4). */
export class BookingService {
  constructor(
    private readonly store: SandboxStore,
    private readonly sender: WebhookSender,
    private readonly baseUrl: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** New booking: BOOKING_CREATED (ACCEPTED), or BOOKING_REQUESTED (PENDING) when the event type requires confirmation. */
  async createBooking(raw: CreateBookingInput): Promise<BookingResult> {
    const input = parse(createBookingInputSchema, raw);
    const user = this.userByName(input.username);
    const et = this.store.state.eventTypes.find((e) => e.userId === user.id && e.slug === input.eventTypeSlug);
    if (!et) throw new SandboxError(404, `Event type ${input.username}/${input.eventTypeSlug} not found`);
    const start = new Date(input.start);
    const now = this.now().toISOString();
    const booking: SandboxBooking = {
      id: this.store.nextBookingId(),
      uid: randomUid(),
      userId: user.id,
      eventTypeId: et.id,
      title: `${et.title} between ${user.name} and ${input.attendee.name}`,
      description: input.notes?.trim() ? input.notes.trim() : null,
      start: start.toISOString(),
      end: new Date(start.getTime() + et.lengthInMinutes * 60_000).toISOString(),
      status: et.requiresConfirmation ? 'PENDING' : 'ACCEPTED',
      attendees: [
        { ...input.attendee, noShow: false },
        ...(input.guests ?? []).map((email) => ({ name: '', email, timeZone: input.attendee.timeZone, noShow: false })),
      ],
      location: 'integrations:daily',
      videoCallId: randomUid(12),
      iCalUID: '',
      iCalSequence: 0,
      cancellationReason: null,
      cancelledBy: null,
      rejectionReason: null,
      rescheduled: false,
      fromReschedule: null,
      rescheduledToUid: null,
      rescheduledBy: null,
      rescheduleReason: null,
      ...(input.metadata && Object.keys(input.metadata).length ? { metadata: input.metadata } : {}),
      createdAt: now,
      updatedAt: now,
    };
    booking.iCalUID = `${booking.uid}@Cal.com`;
    this.assertFree(booking);
    this.store.state.bookings.push(booking);
    this.store.save();
    const trigger = booking.status === 'PENDING' ? 'BOOKING_REQUESTED' : 'BOOKING_CREATED';
    return this.fire(booking, trigger, (ctx) =>
      buildCreatedLikePayload(ctx, booking.status === 'PENDING' ? 'PENDING' : 'ACCEPTED'),
    );
  }

  /** Reschedule: a new booking (new uid/id) replaces the old one, which becomes CANCELLED + rescheduled. Only BOOKING_RESCHEDULED fires. */
  async rescheduleBooking(
    uid: string,
    newStartISO: string,
    opts: { by?: string; reason?: string; metadata?: BookerMetadata } = {},
  ): Promise<BookingResult> {
    const old = this.reschedulableBooking(uid);
    // The new booking keeps the old one's metadata; what the rebooking request carries goes over it (within the limits).
    const metadata = parse(bookerMetadataSchema, { ...old.metadata, ...opts.metadata });
    const start = new Date(parse(z.iso.datetime({ offset: true }), newStartISO));
    const et = this.eventType(old.eventTypeId);
    const now = this.now().toISOString();
    const by = opts.by ?? old.attendees[0]?.email ?? null;
    const next: SandboxBooking = {
      ...structuredClone(old),
      id: this.store.nextBookingId(),
      uid: randomUid(),
      start: start.toISOString(),
      end: new Date(start.getTime() + et.lengthInMinutes * 60_000).toISOString(),
      status: et.requiresConfirmation ? 'PENDING' : 'ACCEPTED',
      videoCallId: randomUid(12),
      iCalSequence: old.iCalSequence + 1,
      fromReschedule: old.uid,
      rescheduledToUid: null,
      rescheduleReason: opts.reason?.trim() ? opts.reason.trim() : null,
      rescheduledBy: null,
      ...(Object.keys(metadata).length ? { metadata } : {}),
      createdAt: now,
      updatedAt: now,
    };
    this.assertFree(next, old.uid);
    Object.assign(old, {
      status: 'CANCELLED',
      rescheduled: true,
      rescheduledToUid: next.uid,
      rescheduledBy: by,
      updatedAt: now,
    });
    this.store.state.bookings.push(next);
    this.store.save();
    // A reschedule into an event type that requires confirmation is a BOOKING_REQUESTED (calcom #21169).
    const trigger = next.status === 'PENDING' ? 'BOOKING_REQUESTED' : 'BOOKING_RESCHEDULED';
    return this.fire(next, trigger, (ctx) =>
      buildRescheduledPayload(ctx, old, next.status === 'PENDING' ? 'PENDING' : 'ACCEPTED'),
    );
  }

  /** Cancel: BOOKING_CANCELLED with cancellationReason and cancelledBy (default: the organizer). */
  async cancelBooking(uid: string, opts: { reason?: string; by?: string } = {}): Promise<BookingResult> {
    const b = this.activeBooking(uid);
    Object.assign(b, {
      status: 'CANCELLED',
      cancellationReason: opts.reason?.trim() || null,
      cancelledBy: opts.by ?? this.userById(b.userId).email,
      iCalSequence: b.iCalSequence + 1,
      updatedAt: this.now().toISOString(),
    });
    this.store.save();
    return this.fire(b, 'BOOKING_CANCELLED', buildCancelledPayload);
  }

  /**
   * The host's "Request reschedule": the booking becomes CANCELLED with `rescheduled: true` and BOOKING_CANCELLED fires
   * with `requestReschedule: true` (calcom-contract.md §3.4); the attendee rebooks through /reschedule/{uid} once.
   */
  async requestReschedule(uid: string, reason?: string): Promise<BookingResult> {
    const b = this.activeBooking(uid);
    const organizer = this.userById(b.userId);
    Object.assign(b, {
      status: 'CANCELLED',
      rescheduled: true,
      rescheduleRequested: true,
      cancellationReason: reason?.trim() || null,
      cancelledBy: organizer.email,
      iCalSequence: b.iCalSequence + 1,
      updatedAt: this.now().toISOString(),
    });
    this.store.save();
    return this.fire(b, 'BOOKING_CANCELLED', buildCancelledPayload);
  }

  /** Host confirms a PENDING booking: BOOKING_CREATED with status ACCEPTED. */
  async confirmBooking(uid: string): Promise<BookingResult> {
    const b = this.pendingBooking(uid);
    Object.assign(b, { status: 'ACCEPTED', updatedAt: this.now().toISOString() });
    this.store.save();
    return this.fire(b, 'BOOKING_CREATED', (ctx) => buildCreatedLikePayload(ctx, 'ACCEPTED'));
  }

  /** Host rejects a PENDING booking: BOOKING_REJECTED with rejectionReason. */
  async rejectBooking(uid: string, reason?: string): Promise<BookingResult> {
    const b = this.pendingBooking(uid);
    Object.assign(b, {
      status: 'REJECTED',
      rejectionReason: reason?.trim() || null,
      updatedAt: this.now().toISOString(),
    });
    this.store.save();
    return this.fire(b, 'BOOKING_REJECTED', (ctx) => buildCreatedLikePayload(ctx, 'REJECTED'));
  }

  /** Marks (or unmarks) an attendee as no-show: BOOKING_NO_SHOW_UPDATED. */
  async markNoShow(uid: string, attendeeEmail: string, noShow: boolean): Promise<BookingResult> {
    const b = this.booking(uid);
    const attendee = b.attendees.find((a) => a.email.toLowerCase() === attendeeEmail.toLowerCase());
    if (!attendee) throw new SandboxError(404, `No attendee ${attendeeEmail} on booking ${uid}`);
    attendee.noShow = noShow;
    b.updatedAt = this.now().toISOString();
    this.store.save();
    const deliveries = await this.sender.deliverAll(
      this.subscribers(b.userId, 'BOOKING_NO_SHOW_UPDATED'),
      envelope('BOOKING_NO_SHOW_UPDATED', buildNoShowPayload(b, [{ email: attendee.email, noShow }]), this.now()),
    );
    return { booking: this.toV2(b), deliveries };
  }

  /** The "Ping test" button: PING to one webhook, or to every active webhook. Inactive hooks are pinged only by id. */
  async sendPing(webhookId?: string): Promise<{ deliveries: Delivery[] }> {
    const hooks = this.store.state.webhooks.filter((w) => (webhookId ? w.id === webhookId : w.active));
    if (webhookId && hooks.length === 0) throw new SandboxError(404, `Webhook ${webhookId} not found`);
    return {
      deliveries: await this.sender.deliverAll(hooks, envelope('PING', buildPingPayload(this.now()), this.now())),
    };
  }

  /** The v2 shape of a stored booking. */
  toV2(b: SandboxBooking): V2BookingOut {
    return toV2Booking(b, this.eventType(b.eventTypeId), this.userById(b.userId), this.baseUrl());
  }

  /** Finds a booking by uid or throws 404. */
  booking(uid: string): SandboxBooking {
    const b = this.store.state.bookings.find((x) => x.uid === uid);
    if (!b) throw new SandboxError(404, `Booking ${uid} not found`);
    return b;
  }

  private activeBooking(uid: string): SandboxBooking {
    const b = this.booking(uid);
    if (b.status === 'CANCELLED' || b.status === 'REJECTED')
      throw new SandboxError(409, `Booking ${uid} is ${b.status.toLowerCase()}`);
    return b;
  }

  /** Active, or cancelled by the host's "Request reschedule" and not yet rebooked. */
  reschedulableBooking(uid: string): SandboxBooking {
    const b = this.booking(uid);
    if (b.status === 'CANCELLED' && b.rescheduleRequested && !b.rescheduledToUid) return b;
    return this.activeBooking(uid);
  }

  private pendingBooking(uid: string): SandboxBooking {
    const b = this.booking(uid);
    if (b.status !== 'PENDING') throw new SandboxError(409, `Booking ${uid} is not pending confirmation`);
    return b;
  }

  private assertFree(b: SandboxBooking, ignoreUid?: string): void {
    if (overlapsActiveBooking(this.store.state.bookings, b.userId, new Date(b.start), new Date(b.end), ignoreUid)) {
      throw new SandboxError(409, 'The consultant already has a booking at this time');
    }
  }

  private userByName(username: string): SandboxUser {
    const u = this.store.state.users.find((x) => x.username === username);
    if (!u) throw new SandboxError(404, `User ${username} not found`);
    return u;
  }

  private userById(id: number): SandboxUser {
    const u = this.store.state.users.find((x) => x.id === id);
    if (!u) throw new SandboxError(500, `User ${id} missing`);
    return u;
  }

  private eventType(id: number): SandboxEventType {
    const et = this.store.state.eventTypes.find((e) => e.id === id);
    // Event types deleted after booking keep their bookings; Cal.com keeps the id, so the sandbox keeps a stub.
    return (
      et ?? {
        id,
        userId: 0,
        title: 'Deleted event type',
        slug: 'deleted',
        lengthInMinutes: 0,
        description: null,
        hidden: true,
        requiresConfirmation: false,
        minimumBookingNotice: 0,
        beforeEventBuffer: 0,
        afterEventBuffer: 0,
        slotInterval: null,
        locations: [],
        createdAt: '',
        updatedAt: '',
      }
    );
  }

  private subscribers(userId: number, trigger: string): SandboxWebhook[] {
    return this.store.state.webhooks.filter((w) => w.userId === userId && w.active && w.triggers.includes(trigger));
  }

  private async fire(
    b: SandboxBooking,
    trigger: string,
    build: (ctx: PayloadContext) => Record<string, unknown>,
  ): Promise<BookingResult> {
    const now = this.now();
    const ctx: PayloadContext = {
      booking: b,
      eventType: this.eventType(b.eventTypeId),
      organizer: this.userById(b.userId),
      bookerUrl: this.baseUrl(),
      now,
    };
    const deliveries = await this.sender.deliverAll(
      this.subscribers(b.userId, trigger),
      envelope(trigger, build(ctx), now),
    );
    return { booking: this.toV2(b), deliveries };
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new SandboxError(
      400,
      `Invalid input${i?.path.length ? ` at ${i.path.join('.')}` : ''}: ${i?.message ?? 'invalid'}`,
    );
  }
  return r.data;
}
