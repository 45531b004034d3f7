import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypeSchema, meSchema, v2BookingListSchema, v2ErrorSchema, webhookSchema } from '../../common/calcom';
import type { Sandbox } from './index';
import { api, connect, futureWeekdayAt, startSandbox } from '../../tests/support/sandbox/sandbox-test-kit';

let sandbox: Sandbox;
let url: string;
let token: string;
beforeAll(async () => {
  ({ sandbox, url } = await startSandbox());
  token = (await connect(url)).access_token;
});
afterAll(() => sandbox.stop());

const create60 = { title: '60 Min Consultation', slug: 'consultation-60', lengthInMinutes: 60, hidden: false };

describe('GET /v2/me', () => {
  it('returns the consultant in the {status, data} envelope', async () => {
    const res = await api(url, token, 'GET', '/v2/me');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('success');
    expect(meSchema.parse(res.body.data)).toMatchObject({
      id: 48213,
      username: 'dana-reyes',
      email: 'dana@example.com',
      name: 'Dana Reyes',
      timeZone: 'America/Chicago',
    });
  });

  it('answers 401 in the v2 error envelope without or with an unknown token', async () => {
    for (const t of [undefined, 'garbage']) {
      const res = await api(url, t, 'GET', '/v2/me');
      expect(res.status).toBe(401);
      expect(v2ErrorSchema.parse(res.body).error.code).toBe('UnauthorizedException');
    }
  });

  it('unknown /v2 paths answer 404 in the v2 envelope', async () => {
    const res = await api(url, token, 'GET', '/v2/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFoundException');
  });
});

describe('scope enforcement', () => {
  it('403 insufficient_scope per endpoint, as the contract maps scopes', async () => {
    const narrow = (await connect(url, { username: 'omar-haddad', scope: 'PROFILE_READ EVENT_TYPE_READ' }))
      .access_token;
    expect((await api(url, narrow, 'GET', '/v2/me')).status).toBe(200);
    expect((await api(url, narrow, 'GET', '/v2/event-types')).status).toBe(200);
    const checks: [string, string, unknown?][] = [
      ['POST', '/v2/event-types', create60],
      ['GET', '/v2/webhooks'],
      ['POST', '/v2/webhooks', {}],
      ['GET', '/v2/bookings'],
    ];
    for (const [method, path, body] of checks) {
      const res = await api(url, narrow, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'ForbiddenException',
        message: expect.stringMatching(/^insufficient_scope/),
      });
    }
    const noProfile = (await connect(url, { username: 'omar-haddad', scope: 'BOOKING_READ' })).access_token;
    expect((await api(url, noProfile, 'GET', '/v2/me')).status).toBe(403);
  });
});

describe('/v2/event-types (2024-06-14)', () => {
  it('creates, lists (hidden included), gets, patches and deletes', async () => {
    const created = await api(url, token, 'POST', '/v2/event-types', create60);
    expect(created.status).toBe(201);
    const et = eventTypeSchema.parse(created.body.data);
    expect(et).toMatchObject({
      title: '60 Min Consultation',
      slug: 'consultation-60',
      lengthInMinutes: 60,
      hidden: false,
      ownerId: 48213,
    });
    expect(created.body.data.bookingUrl).toBe(`${url}/dana-reyes/consultation-60`);
    const hidden = await api(url, token, 'POST', '/v2/event-types', {
      title: '30 Min',
      slug: 'consultation-30',
      lengthInMinutes: 30,
      hidden: true,
    });
    expect(hidden.status).toBe(201);
    const list = await api(url, token, 'GET', '/v2/event-types');
    expect(list.body.data.map((e: { slug: string }) => e.slug)).toEqual(['consultation-60', 'consultation-30']);
    expect((await api(url, token, 'GET', '/v2/event-types?eventSlug=consultation-30')).body.data).toHaveLength(1);
    expect((await api(url, token, 'GET', `/v2/event-types/${et.id}`)).body.data.id).toBe(et.id);
    const patched = await api(url, token, 'PATCH', `/v2/event-types/${hidden.body.data.id}`, {
      hidden: false,
      lengthInMinutes: 45,
    });
    expect(patched.body.data).toMatchObject({ hidden: false, lengthInMinutes: 45, slug: 'consultation-30' });
    const deleted = await api(url, token, 'DELETE', `/v2/event-types/${hidden.body.data.id}`);
    expect(deleted.body).toEqual({
      status: 'success',
      data: { id: hidden.body.data.id, lengthInMinutes: 45, slug: 'consultation-30', title: '30 Min' },
    });
    expect((await api(url, token, 'GET', `/v2/event-types/${hidden.body.data.id}`)).status).toBe(404);
    expect(sandbox.listEventTypes('dana-reyes').map((e) => e.slug)).toEqual(['consultation-60']);
  });

  it('a duplicate slug for the same user is 400 "User already has an event type with this slug." (as Cal.com, not 409)', async () => {
    const res = await api(url, token, 'POST', '/v2/event-types', create60);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'BadRequestException',
      message: 'User already has an event type with this slug.',
    });
    const other = (await connect(url, { username: 'mei-tanaka' })).access_token;
    expect((await api(url, other, 'POST', '/v2/event-types', create60)).status).toBe(201);
  });

  it('validates the body and requires cal-api-version 2024-06-14', async () => {
    for (const body of [
      { title: 'x', slug: 'x' },
      { ...create60, slug: 'Bad Slug' },
      { ...create60, lengthInMinutes: 0 },
      { ...create60, hidden: 'no' },
    ]) {
      const res = await api(url, token, 'POST', '/v2/event-types', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('BadRequestException');
    }
    const noVersion = await api(url, token, 'GET', '/v2/event-types', undefined, { 'cal-api-version': '2024-04-15' });
    expect(noVersion.status).toBe(400);
    const malformed = await fetch(`${url}/v2/event-types`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'cal-api-version': '2024-06-14',
        'content-type': 'application/json',
      },
      body: '{',
    });
    expect(malformed.status).toBe(400);
  });

  it("another user's event type is 403", async () => {
    const other = (await connect(url, { username: 'omar-haddad' })).access_token;
    const mine = sandbox.listEventTypes('dana-reyes')[0]!;
    expect((await api(url, other, 'GET', `/v2/event-types/${mine.id}`)).status).toBe(403);
  });
});

describe('/v2/webhooks', () => {
  const hook = {
    subscriberUrl: 'http://127.0.0.1:5001/hooks/ch-1',
    triggers: ['BOOKING_CREATED', 'BOOKING_CANCELLED'],
    active: true,
    secret: 's3cret',
  };

  it('creates (201), lists, gets, patches and deletes; ids are UUID strings', async () => {
    const created = await api(url, token, 'POST', '/v2/webhooks', hook);
    expect(created.status).toBe(201);
    const w = webhookSchema.parse(created.body.data);
    expect(w).toMatchObject({
      subscriberUrl: hook.subscriberUrl,
      triggers: hook.triggers,
      active: true,
      secret: 's3cret',
      payloadTemplate: null,
    });
    expect(w.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api(url, token, 'GET', '/v2/webhooks')).body.data).toHaveLength(1);
    expect((await api(url, token, 'GET', `/v2/webhooks/${w.id}`)).body.data.id).toBe(w.id);
    const patched = await api(url, token, 'PATCH', `/v2/webhooks/${w.id}`, { active: false, secret: 'n3w' });
    expect(patched.body.data).toMatchObject({ active: false, secret: 'n3w' });
    expect(sandbox.listWebhooks('dana-reyes')[0]).toMatchObject({ active: false, secret: 'n3w' });
    expect((await api(url, token, 'DELETE', `/v2/webhooks/${w.id}`)).status).toBe(200);
    expect((await api(url, token, 'GET', `/v2/webhooks/${w.id}`)).status).toBe(404);
  });

  it('409 on a duplicate subscriberUrl for the same user (also on PATCH); other users may reuse it', async () => {
    expect((await api(url, token, 'POST', '/v2/webhooks', hook)).status).toBe(201);
    const dup = await api(url, token, 'POST', '/v2/webhooks', { ...hook, triggers: ['BOOKING_CREATED'] });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({
      code: 'ConflictException',
      message: 'Webhook with this subscriber url already exists for this user',
    });
    const second = await api(url, token, 'POST', '/v2/webhooks', { ...hook, subscriberUrl: `${hook.subscriberUrl}-2` });
    expect(
      (await api(url, token, 'PATCH', `/v2/webhooks/${second.body.data.id}`, { subscriberUrl: hook.subscriberUrl }))
        .status,
    ).toBe(409);
    const other = (await connect(url, { username: 'omar-haddad' })).access_token;
    const theirs = await api(url, other, 'POST', '/v2/webhooks', hook);
    expect(theirs.status).toBe(201);
    expect((await api(url, token, 'GET', `/v2/webhooks/${theirs.body.data.id}`)).status).toBe(403);
  });

  it('requires active and triggers, validates trigger names and the URL scheme', async () => {
    const bad = [
      { ...hook, subscriberUrl: 'http://127.0.0.1:1/a', active: undefined },
      { ...hook, subscriberUrl: 'http://127.0.0.1:1/b', triggers: [] },
      { ...hook, subscriberUrl: 'http://127.0.0.1:1/c', triggers: ['BOOKING_CONFIRMED'] },
      { ...hook, subscriberUrl: 'ftp://x/y' },
    ];
    for (const body of bad)
      expect((await api(url, token, 'POST', '/v2/webhooks', body)).status, JSON.stringify(body)).toBe(400);
  });
});

describe('GET /v2/bookings (2024-08-13)', () => {
  it('lists v2 bookings with filters, pagination and reschedule links', async () => {
    const attendee = { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' };
    const a = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: futureWeekdayAt(15, 1),
      attendee,
      notes: 'first',
    });
    const b = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: futureWeekdayAt(17, 1),
      attendee,
    });
    const past = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      attendee,
    });
    const moved = await sandbox.rescheduleBooking(b.booking.uid, futureWeekdayAt(15, 2));
    // afterUpdatedAt is inclusive (gte): keep the checkpoint strictly between the two updates.
    await new Promise((r) => setTimeout(r, 5));
    const checkpoint = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await sandbox.cancelBooking(a.booking.uid, { reason: 'sick' });

    const all = await api(url, token, 'GET', '/v2/bookings');
    const parsed = v2BookingListSchema.parse(all.body);
    expect(parsed.data.map((x) => x.uid)).toEqual([past.booking.uid, a.booking.uid, b.booking.uid, moved.booking.uid]);
    const old = parsed.data.find((x) => x.uid === b.booking.uid)!;
    expect(old).toMatchObject({ status: 'cancelled', rescheduledToUid: moved.booking.uid });
    expect(parsed.data.find((x) => x.uid === moved.booking.uid)).toMatchObject({
      status: 'accepted',
      rescheduledFromUid: b.booking.uid,
      duration: 60,
    });

    const uids = async (q: string) =>
      (await api(url, token, 'GET', `/v2/bookings?${q}`)).body.data.map((x: { uid: string }) => x.uid);
    expect(await uids('status=upcoming')).toEqual([moved.booking.uid]);
    expect(await uids('status=past')).toEqual([past.booking.uid]);
    expect(await uids('status=cancelled')).toEqual([a.booking.uid, b.booking.uid]);
    expect(await uids('status=upcoming,past')).toEqual([past.booking.uid, moved.booking.uid]);
    expect(await uids(`afterUpdatedAt=${encodeURIComponent(checkpoint)}`)).toEqual([a.booking.uid]);
    expect(await uids(`afterStart=${encodeURIComponent(futureWeekdayAt(16, 1))}`)).toEqual([
      b.booking.uid,
      moved.booking.uid,
    ]);
    expect(await uids(`beforeEnd=${encodeURIComponent(futureWeekdayAt(16, 1))}`)).toEqual([
      past.booking.uid,
      a.booking.uid,
    ]);
    expect(await uids('sortStart=desc&take=1')).toEqual([moved.booking.uid]);

    const page2 = await api(url, token, 'GET', '/v2/bookings?take=3&skip=3');
    expect(page2.body.pagination).toEqual({
      totalItems: 4,
      remainingItems: 0,
      returnedItems: 1,
      itemsPerPage: 3,
      currentPage: 2,
      totalPages: 2,
      hasNextPage: false,
      hasPreviousPage: true,
    });
    const page1 = await api(url, token, 'GET', '/v2/bookings?take=3');
    expect(page1.body.pagination).toMatchObject({ hasNextPage: true, hasPreviousPage: false, remainingItems: 1 });
  });

  it('validates query parameters and the version header', async () => {
    for (const q of ['status=soon', 'take=0', 'take=251', 'afterUpdatedAt=yesterday', 'skip=-1'])
      expect((await api(url, token, 'GET', `/v2/bookings?${q}`)).status, q).toBe(400);
    expect((await api(url, token, 'GET', '/v2/bookings', undefined, { 'cal-api-version': '2024-06-14' })).status).toBe(
      400,
    );
  });

  it("only lists the caller's bookings; GET /v2/bookings/{uid} returns one", async () => {
    const other = (await connect(url, { username: 'omar-haddad' })).access_token;
    expect((await api(url, other, 'GET', '/v2/bookings')).body.data).toEqual([]);
    const mine = sandbox.listBookings('dana-reyes')[0]!;
    const one = await api(url, token, 'GET', `/v2/bookings/${mine.uid}`);
    expect(one.body).toEqual({ status: 'success', data: mine });
    expect((await api(url, other, 'GET', `/v2/bookings/${mine.uid}`)).status).toBe(403);
    expect((await api(url, token, 'GET', '/v2/bookings/nope')).status).toBe(404);
  });
});

describe('rate limit', () => {
  it('counts per token, sets X-RateLimit-*-Default headers, and answers 429 in the throttler shape', async () => {
    const limited = await startSandbox({ rateLimitPerMinute: 3 });
    try {
      const t1 = (await connect(limited.url)).access_token;
      const t2 = (await connect(limited.url, { username: 'omar-haddad' })).access_token;
      const first = await api(limited.url, t1, 'GET', '/v2/me');
      expect(first.headers.get('x-ratelimit-limit-default')).toBe('3');
      expect(first.headers.get('x-ratelimit-remaining-default')).toBe('2');
      expect(Number(first.headers.get('x-ratelimit-reset-default'))).toBeGreaterThan(0);
      await api(limited.url, t1, 'GET', '/v2/me');
      await api(limited.url, t1, 'GET', '/v2/me');
      const over = await api(limited.url, t1, 'GET', '/v2/me');
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({
        status: 'error',
        path: '/v2/me',
        error: {
          code: 'ThrottlerException',
          message: 'CustomThrottlerGuard - Too many requests. Please try again later.',
        },
      });
      expect(over.headers.get('x-ratelimit-remaining-default')).toBe('0');
      expect((await api(limited.url, t2, 'GET', '/v2/me')).status).toBe(200);
    } finally {
      await limited.sandbox.stop();
    }
  });
});

describe('robustness', () => {
  it('answers garbage with 4xx and keeps serving', async () => {
    const raw = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init).then((r) => r.status);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect(await raw('/v2/webhooks', { method: 'POST', headers: auth, body: '[1,2]' })).toBe(400);
    expect(
      await raw('/v2/webhooks', { method: 'POST', headers: auth, body: JSON.stringify({ x: 'y'.repeat(300_000) }) }),
    ).toBe(413);
    expect(await raw('/v2/bookings?take=1&take=2', { headers: { ...auth, 'cal-api-version': '2024-08-13' } })).toBe(
      400,
    );
    expect(await raw('/v2/event-types/abc', { headers: { ...auth, 'cal-api-version': '2024-06-14' } })).toBe(400);
    expect(await raw('/auth/oauth2/authorize?client_id=a&client_id=b')).toBe(400);
    expect(
      await raw('/auth/oauth2/authorize', { method: 'POST', body: new URLSearchParams({ decision: 'maybe' }) }),
    ).toBe(400);
    expect(
      await raw('/dana-reyes/consultation-60/book', {
        method: 'POST',
        body: new URLSearchParams({ notes: 'x'.repeat(100_000) }),
      }),
    ).toBe(413);
    expect(await raw('/dana-reyes/consultation-60/book?slot=yesterday')).toBe(400);
    expect(await raw('/%E0%A4%A')).toBe(400);
    expect((await api(url, token, 'GET', '/v2/me')).status).toBe(200);
  });
});
