import type { BookingResult, CreateBookingInput } from './booking-service';
import type { SandboxContext } from './context';
import type { SandboxFaults } from './faults';
import { SandboxError } from './http-errors';
import { toV2EventType } from './routes-event-types';
import type { SandboxBooking, SandboxUser, SandboxWebhook } from './state';
import type { SpecialBookingInput } from './special-bookings';
import { addSpecialBookings, setBookingStatus } from './special-bookings';
import type { V2BookingOut } from './v2-booking';
import type { Delivery } from './webhook-sender';

/** A webhook as GET /v2/webhooks shows it. */
export type WebhookView = Pick<
  SandboxWebhook,
  'id' | 'subscriberUrl' | 'triggers' | 'active' | 'secret' | 'payloadTemplate'
> & { userId: number };
/** An event type as GET /v2/event-types shows it. */
export type EventTypeView = ReturnType<typeof toV2EventType>;

/** The programmatic consultant/admin API (also served over HTTP under /_sandbox). Booking changes await their webhooks. */
export class SandboxApi {
  constructor(private readonly ctx: SandboxContext) {}

  /** Books `eventTypeSlug` of `username` at `start` (any free time; working hours are not enforced here). */
  createBooking(input: CreateBookingInput): Promise<BookingResult> {
    return this.ctx.bookings.createBooking(input);
  }

  /** Moves a booking: new uid and id, old one cancelled + rescheduled; fires BOOKING_RESCHEDULED. `by` defaults to the attendee. */
  rescheduleBooking(
    uid: string,
    newStartISO: string,
    opts: { by?: string; reason?: string } = {},
  ): Promise<BookingResult> {
    return this.ctx.bookings.rescheduleBooking(uid, newStartISO, opts);
  }

  /** Cancels; fires BOOKING_CANCELLED. `by` defaults to the organizer's email. */
  cancelBooking(uid: string, opts: { reason?: string; by?: string } = {}): Promise<BookingResult> {
    return this.ctx.bookings.cancelBooking(uid, opts);
  }

  /** Sets an attendee's no-show flag; fires BOOKING_NO_SHOW_UPDATED. */
  markNoShow(uid: string, attendeeEmail: string, noShow: boolean): Promise<BookingResult> {
    return this.ctx.bookings.markNoShow(uid, attendeeEmail, noShow);
  }

  /** Confirms a pending booking; fires BOOKING_CREATED. */
  confirmBooking(uid: string): Promise<BookingResult> {
    return this.ctx.bookings.confirmBooking(uid);
  }

  /** Rejects a pending booking; fires BOOKING_REJECTED. */
  rejectBooking(uid: string, reason?: string): Promise<BookingResult> {
    return this.ctx.bookings.rejectBooking(uid, reason);
  }

  /** Sends PING to one webhook (even inactive) or to every active webhook. */
  sendPing(webhookId?: string): Promise<{ deliveries: Delivery[] }> {
    return this.ctx.bookings.sendPing(webhookId);
  }

  /** Makes an event type require (or stop requiring) the host's confirmation. */
  setRequiresConfirmation(eventTypeId: number, value: boolean): EventTypeView {
    const et = this.ctx.store.state.eventTypes.find((e) => e.id === eventTypeId);
    if (!et) throw new SandboxError(404, `Event type ${eventTypeId} not found`);
    et.requiresConfirmation = value;
    et.updatedAt = new Date().toISOString();
    this.ctx.store.save();
    return toV2EventType(et, this.userById(et.userId), this.ctx.baseUrl());
  }

  /**
   * Adds a recurring series, a seated booking, or a plain booking with any database status (e.g. AWAITING_HOST)
   * or a hidden attendee email, without webhooks (special-bookings.ts). Returns the new uids.
   */
  addSpecialBookings(input: SpecialBookingInput): string[] {
    return addSpecialBookings(this.ctx, input);
  }

  /** Sets a booking's database status without a webhook (e.g. AWAITING_HOST, which the API reference does not list). */
  setBookingStatus(uid: string, status: SandboxBooking['status']): void {
    setBookingStatus(this.ctx, uid, status);
  }

  /** Moves Cal.com's clock `ms` ahead of the machine's (negative: behind), for clock-skew tests. */
  setClockOffset(ms: number): void {
    this.ctx.clock.offsetMs = ms;
  }

  /** Replaces all fault injection settings ({} clears them). */
  setFaults(f: SandboxFaults): void {
    this.ctx.faults.set(f);
  }

  /** The current faults, with remaining counts. */
  getFaults(): SandboxFaults {
    return this.ctx.faults.get();
  }

  /** Every access token expires now (the next API call answers 401). Returns how many were live. */
  expireAccessTokens(): number {
    return this.ctx.tokens.expireAccessTokens();
  }

  /** Revokes the refresh tokens of one user (or all): the next refresh answers invalid_grant. */
  revokeRefreshTokens(username?: string): number {
    return this.ctx.tokens.revokeRefreshTokens(username === undefined ? undefined : this.user(username).id);
  }

  /** The user's webhooks (as the API shows them, secret included). */
  listWebhooks(username: string): WebhookView[] {
    const u = this.user(username);
    return this.ctx.store.state.webhooks
      .filter((w) => w.userId === u.id)
      .map((w) => ({
        id: w.id,
        userId: w.userId,
        subscriberUrl: w.subscriberUrl,
        triggers: [...w.triggers],
        active: w.active,
        secret: w.secret,
        payloadTemplate: w.payloadTemplate,
      }));
  }

  /** The user's event types (v2 shape, hidden ones included). */
  listEventTypes(username: string): EventTypeView[] {
    const u = this.user(username);
    return this.ctx.store.state.eventTypes
      .filter((e) => e.userId === u.id)
      .map((e) => toV2EventType(e, u, this.ctx.baseUrl()));
  }

  /** The user's bookings (v2 shape), oldest start first, all statuses. */
  listBookings(username: string): V2BookingOut[] {
    const u = this.user(username);
    return this.ctx.store.state.bookings
      .filter((b) => b.userId === u.id)
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id - b.id)
      .map((b) => this.ctx.bookings.toV2(b));
  }

  /** The seeded consultants. */
  listUsers(): SandboxUser[] {
    return this.ctx.store.state.users.map((u) => ({ ...u }));
  }

  private user(username: string): SandboxUser {
    const u = this.ctx.store.state.users.find((x) => x.username === username);
    if (!u) throw new SandboxError(404, `User ${username} not found`);
    return u;
  }

  private userById(id: number): SandboxUser {
    const u = this.ctx.store.state.users.find((x) => x.id === id);
    if (!u) throw new SandboxError(500, `User ${id} missing`);
    return u;
  }
}
