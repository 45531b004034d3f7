import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppFailure } from '../../../common/errors';
import type { Stack, TestCore } from '../../../tests/support/app/connect-harness';
import { consent, followRedirect, makeCore, startStack } from '../../../tests/support/app/connect-harness';
import type { IntegrationRecord } from '../integration/integration-records';
import { recordKeys } from '../integration/integration-records';
import { createSyncEngine } from '../sync/sync-engine';

/**
 * Issue 19: booking actions from the app against the real Cal.com sandbox and relay over loopback. Each action goes to
 * Cal.com first; the local booking follows Cal.com's answer; a refusal (fault, state, owner) changes nothing locally.
 */
let stack: Stack;
let t: TestCore;
const USER = 'dana-reyes';
const DAY = 86_400_000;
let hour = 0;
const attendee = { name: 'Rosa Diaz', email: 'rosa@example.com', timeZone: 'Europe/Madrid' };

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(async () => {
  await stack.freshSandbox();
  t = await makeCore(stack, { overrides: { createSyncEngine } });
  const { authorizeUrl } = await t.core.handlers.connect({});
  await followRedirect(await consent(authorizeUrl, 'allow', USER), t.core);
  await t.waitFor((s) => s.connection.status === 'connected' && s.sync.status === 'live');
});
afterEach(async () => {
  await t.dispose();
});

/** A booking `days` from now (a fresh hour each, so none overlap), made by the client and waited for locally. */
async function book(days: number, opts: { requiresConfirmation?: boolean } = {}): Promise<string> {
  const et = stack.sandbox.listEventTypes(USER).find((e) => e.slug === 'consultation-60min');
  if (!et) throw new Error('no 60 min event type');
  stack.sandbox.setRequiresConfirmation(et.id, opts.requiresConfirmation === true);
  const start = new Date(Date.now() + days * DAY);
  start.setUTCHours(8 + (hour++ % 10), 0, 0, 0);
  const { booking } = await stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: et.slug,
    start: start.toISOString(),
    attendee,
  });
  await waitForLocal(booking.uid, () => true);
  return booking.uid;
}

async function waitForLocal(uid: string, pred: (status: string) => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const b = await t.core.handlers.getBooking({ uid });
    if (b && pred(b.status)) return b;
    if (Date.now() > deadline) throw new Error(`booking ${uid} never matched (now ${b?.status ?? 'missing'})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const remote = (uid: string) => stack.sandbox.listBookings(USER).find((b) => b.uid === uid);
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof AppFailure ? err.code : String(err)),
  );

describe('booking actions against the sandbox', () => {
  it('the connection has BOOKING_WRITE and asks for nothing', async () => {
    const state = await t.state();
    expect(state.connection.missingPermission).toBeUndefined();
    expect(t.settings.readRecord<IntegrationRecord>(recordKeys.integration)?.grantedScopes).toContain('BOOKING_WRITE');
  });

  it('accept a request: Cal.com confirms, the local booking is scheduled at once from the answer', async () => {
    const uid = await book(3, { requiresConfirmation: true });
    expect((await t.core.handlers.getBooking({ uid }))?.status).toBe('pending');
    const after = await t.core.handlers.bookingAction({ uid, action: 'accept' });
    expect(after.status).toBe('scheduled');
    expect(remote(uid)?.status).toBe('accepted');
  });

  it('decline with a reason: rejected on Cal.com and here, with the reason', async () => {
    const uid = await book(3, { requiresConfirmation: true });
    const after = await t.core.handlers.bookingAction({ uid, action: 'decline', reason: 'Fully booked that week' });
    expect(after.status).toBe('rejected');
    expect(remote(uid)).toMatchObject({ status: 'rejected' });
    await waitForLocal(uid, (s) => s === 'rejected');
    expect((await t.core.handlers.getBooking({ uid }))?.rejectionReason).toBe('Fully booked that week');
  });

  it('cancel with a reason, and request a reschedule that the client then uses (linked new booking)', async () => {
    const a = await book(4);
    expect((await t.core.handlers.bookingAction({ uid: a, action: 'cancel', reason: 'I am unwell' })).status).toBe(
      'cancelled',
    );
    expect(remote(a)).toMatchObject({ status: 'cancelled', cancellationReason: 'I am unwell' });

    const b = await book(5);
    expect(
      (await t.core.handlers.bookingAction({ uid: b, action: 'request-reschedule', reason: 'Travelling' })).status,
    ).toBe('cancelled');
    const start = new Date(Date.now() + 9 * DAY);
    start.setUTCHours(15, 0, 0, 0);
    const moved = await stack.sandbox.rescheduleBooking(b, start.toISOString());
    const old = await waitForLocal(b, (s) => s === 'rescheduled');
    expect(old.rescheduledTo).toBe(moved.booking.uid);
    expect((await waitForLocal(moved.booking.uid, (s) => s === 'scheduled')).rescheduledFrom).toBe(b);
  });

  it('mark no-show: recorded on Cal.com (attendee absent) and here; a future session is refused', async () => {
    const past = await book(-2);
    expect((await t.core.handlers.markNoShow({ uid: past, noShow: true })).status).toBe('no-show');
    expect(remote(past)?.attendees[0]?.absent).toBe(true);
    expect((await t.core.handlers.bookingAction({ uid: past, action: 'no-show', noShow: false })).status).toBe(
      'completed',
    );
    const future = await book(6);
    expect(await codeOf(t.core.handlers.bookingAction({ uid: future, action: 'no-show', noShow: true }))).toBe(
      'booking_in_past',
    );
    expect((await t.core.handlers.getBooking({ uid: future }))?.status).toBe('scheduled');
  });
});

describe('failures: nothing changes locally when Cal.com refused', () => {
  it('Cal.com 500 → calcom_unavailable (one attempt); 429 → calcom_rate_limited; then a retry works', async () => {
    const uid = await book(3);
    stack.sandbox.setFaults({ api: [{ mode: '500', times: 1, path: '/cancel$' }] });
    expect(await codeOf(t.core.handlers.bookingAction({ uid, action: 'cancel' }))).toBe('calcom_unavailable');
    expect((await t.core.handlers.getBooking({ uid }))?.status).toBe('scheduled');
    expect(remote(uid)?.status).toBe('accepted');
    stack.sandbox.setFaults({ api: [{ mode: '429', times: 1, path: '/cancel$' }] });
    expect(await codeOf(t.core.handlers.bookingAction({ uid, action: 'cancel' }))).toBe('calcom_rate_limited');
    expect((await t.core.handlers.getBooking({ uid }))?.status).toBe('scheduled');
    stack.sandbox.setFaults({});
    expect((await t.core.handlers.bookingAction({ uid, action: 'cancel' })).status).toBe('cancelled');
    const calls = await t.core.handlers.listAudit({ path: '/cancel', limit: 10 });
    expect(calls.map((c) => c.status)).toEqual([200, 429, 500]);
    expect(calls[1]?.rateLimit).toMatch(/remaining-default=0/);
    expect(await t.core.handlers.listAudit({ path: '/cancel', failuresOnly: true, limit: 10 })).toHaveLength(2);
  });

  it('the access token expired mid-session: refreshed once, the action goes through', async () => {
    const uid = await book(3, { requiresConfirmation: true });
    expect(stack.sandbox.expireAccessTokens()).toBeGreaterThan(0);
    expect((await t.core.handlers.bookingAction({ uid, action: 'accept' })).status).toBe('scheduled');
    // On record: the 401, the refresh exchange, and the replay after it (audit log, issue 19).
    const calls = await t.core.handlers.listAudit({ path: `/v2/bookings/${uid}/confirm`, limit: 10 });
    expect(calls.map((c) => [c.status, c.afterRefresh])).toEqual([
      [200, true],
      [401, false],
    ]);
    expect(await t.core.handlers.listAudit({ kind: 'oauth', limit: 10 })).toContainEqual(
      expect.objectContaining({ grant: 'refresh_token', status: 200 }),
    );
  });

  it('the client cancelled first: "already cancelled", and the booking shows Cal.com’s state', async () => {
    const uid = await book(3, { requiresConfirmation: true });
    stack.sandbox.setFaults({ webhooks: { drop: 'all' } }); // the app has not heard of the client's cancel yet
    await stack.sandbox.cancelBooking(uid, { by: attendee.email, reason: 'Found another time' });
    stack.sandbox.setFaults({});
    expect((await t.core.handlers.getBooking({ uid }))?.status).toBe('pending');
    expect(await codeOf(t.core.handlers.bookingAction({ uid, action: 'accept' }))).toBe('booking_already_cancelled');
    expect((await t.core.handlers.getBooking({ uid }))?.status).toBe('cancelled');
  });

  it('an unknown booking is not_found without calling Cal.com; input is validated at the boundary', async () => {
    expect(await codeOf(t.core.handlers.bookingAction({ uid: 'nope', action: 'accept' }))).toBe('not_found');
  });
});

describe('a connection made before BOOKING_WRITE existed', () => {
  it('asks once for the permission (state says why) and a new connect grants it', async () => {
    const rec = t.settings.readRecord<IntegrationRecord>(recordKeys.integration);
    if (!rec) throw new Error('not connected');
    const { grantedScopes: _drop, ...old } = rec;
    void _drop;
    t.settings.writeRecord(recordKeys.integration, old);
    const state = await t.state();
    expect(state.connection.missingPermission).toMatchObject({
      scope: 'BOOKING_WRITE',
      why: expect.stringMatching(/accept or decline/),
    });
    const { authorizeUrl } = await t.core.handlers.connect({});
    expect(new URL(authorizeUrl).searchParams.get('scope')).toContain('BOOKING_WRITE');
    await followRedirect(await consent(authorizeUrl, 'allow', USER), t.core);
    const after = await t.waitFor((s) => s.connection.status === 'connected' && !s.connection.missingPermission);
    expect(after.connection.username).toBe(USER);
    expect(stack.sandbox.listWebhooks(USER)).toHaveLength(1);
  });
});

describe('debug mode (issue 19)', () => {
  it('for one day: verbose log lines and the received webhook bodies, redacted, in Diagnostics; off again on request', async () => {
    expect((await t.core.handlers.getDiagnostics({})).debug).toEqual({ active: false });
    const saved = await t.core.handlers.updateSettings({ debug: true });
    const until = Date.parse(saved.debugUntil ?? '');
    expect(until - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const uid = await book(3);
    await t.core.handlers.syncNow({}); // a reconciliation: Cal.com calls while debug mode is on
    const d = await t.core.handlers.getDiagnostics({});
    expect(d.debug).toMatchObject({ active: true, source: 'setting' });
    const body = d.webhookBodies?.find((b) => b.body.includes(uid));
    expect(body?.trigger).toBe('BOOKING_CREATED');
    expect(body?.body).not.toContain(attendee.email);
    expect(body?.body).not.toContain(attendee.name);
    expect(d.activity.some((a) => a.message === 'debug: webhook received')).toBe(true);
    expect(d.activity.some((a) => a.message === 'debug: calcom call')).toBe(true);
    await t.core.handlers.updateSettings({ debug: false });
    const off = await t.core.handlers.getDiagnostics({});
    expect(off.debug).toEqual({ active: false });
    expect(off.webhookBodies).toEqual([]);
  });
});
