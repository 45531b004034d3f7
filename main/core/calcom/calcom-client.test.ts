import { describe, expect, it } from 'vitest';
import type { FetchFn } from '../ports';
import { createCalcomClient } from './calcom-client';
import { createCalcomHttp } from './calcom-http';

const logger = { info: () => {}, warn: () => {}, error: () => {} };
type Handler = (req: { url: URL; init: RequestInit }) => Response | Promise<Response>;

function harness(handlers: Handler[], opts: { refresh?: () => Promise<string>; timeoutMs?: number } = {}) {
  const seen: { url: URL; init: RequestInit }[] = [];
  const sleeps: number[] = [];
  let token = 't1';
  let refreshes = 0;
  const fakeFetch: FetchFn = async (input, init) => {
    const req = { url: new URL(String(input)), init: init ?? {} };
    seen.push(req);
    const h = handlers.shift();
    if (!h) throw new Error('unexpected request');
    return h(req);
  };
  const http = createCalcomHttp({
    apiUrl: 'https://api.cal.test/',
    tokens: {
      accessToken: async () => token,
      refreshAfterUnauthorized: async () => {
        refreshes++;
        token = opts.refresh ? await opts.refresh() : `t${refreshes + 1}`;
        return token;
      },
    },
    clock: { now: () => 0 },
    logger,
    fetch: fakeFetch,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  return { client: createCalcomClient(http), seen, sleeps, refreshes: () => refreshes };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const me = { id: 7, username: 'dana-reyes', email: 'd@x.test', name: 'Dana', timeZone: 'Europe/Lisbon' };
const header = (r: { init: RequestInit }, name: string) => new Headers(r.init.headers).get(name);

describe('createCalcomClient', () => {
  it('sends Bearer and the per-family cal-api-version, and validates the envelope', async () => {
    const et = { id: 1, title: '30 Min Consultation', slug: 'consultation-30min', lengthInMinutes: 30, hidden: false };
    const h = harness([
      () => json(200, { status: 'success', data: me }),
      () => json(200, { status: 'success', data: [et] }),
    ]);
    expect(await h.client.me()).toMatchObject({ username: 'dana-reyes' });
    expect(await h.client.listEventTypes()).toEqual([et]);
    expect(h.seen[0]?.url.toString()).toBe('https://api.cal.test/v2/me');
    expect(header(h.seen[0]!, 'authorization')).toBe('Bearer t1');
    expect(header(h.seen[1]!, 'cal-api-version')).toBe('2024-06-14');
  });

  it('401 → refreshes once and replays; a second 401 is reconnect_needed', async () => {
    const h = harness([
      () => json(401, {}),
      (r) => (header(r, 'authorization') === 'Bearer t2' ? json(200, { status: 'success', data: me }) : json(401, {})),
    ]);
    expect((await h.client.me()).id).toBe(7);
    expect(h.refreshes()).toBe(1);
    const h2 = harness([() => json(401, {}), () => json(401, {})]);
    await expect(h2.client.me()).rejects.toMatchObject({ code: 'reconnect_needed' });
    expect(h2.refreshes()).toBe(1);
  });

  it('retries 5xx and network errors with backoff, then gives up as calcom_unavailable', async () => {
    const h = harness([
      () => json(500, {}),
      () => Promise.reject(new TypeError('fetch failed')),
      () => json(200, { status: 'success', data: me }),
    ]);
    expect((await h.client.me()).id).toBe(7);
    expect(h.sleeps).toEqual([150, 300]);
    const h2 = harness([() => json(503, {}), () => json(502, {}), () => json(500, {}), () => json(500, {})]);
    await expect(h2.client.me()).rejects.toMatchObject({ code: 'calcom_unavailable', status: 500 });
    expect(h2.seen).toHaveLength(4);
  });

  it('times out a request that never answers, retries, then reports Cal.com unavailable', async () => {
    const hang: Handler = ({ init }) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      );
    const h = harness([hang, hang, hang, hang], { timeoutMs: 30 });
    await expect(h.client.me()).rejects.toMatchObject({ code: 'calcom_unavailable' });
    expect(h.seen).toHaveLength(4);
  });

  it('honours 429 reset headers; too long a wait surfaces as calcom_rate_limited', async () => {
    const h = harness([
      () => json(429, {}, { 'x-ratelimit-reset-default': '2' }),
      () => json(200, { status: 'success', data: me }),
    ]);
    await h.client.me();
    expect(h.sleeps).toEqual([2125]);
    const h2 = harness([() => json(429, {}, { 'x-ratelimit-reset-default': '3600' })]);
    await expect(h2.client.me()).rejects.toMatchObject({ code: 'calcom_rate_limited' });
  });

  it('does not retry other 4xx and keeps the status and message', async () => {
    const h = harness([
      () =>
        json(409, {
          status: 'error',
          error: { code: 'ConflictException', message: 'Webhook with this subscriber url already exists' },
        }),
    ]);
    await expect(
      h.client.createWebhook({
        subscriberUrl: 'https://relay.test/hooks/abc',
        triggers: ['BOOKING_CREATED'],
        active: true,
      }),
    ).rejects.toMatchObject({
      code: 'calcom_error',
      status: 409,
      apiMessage: 'Webhook with this subscriber url already exists',
    });
    expect(h.seen).toHaveLength(1);
  });

  it('rejects responses that do not match the schema', async () => {
    const h = harness([() => json(200, { status: 'success', data: { id: 'nope' } })]);
    await expect(h.client.me()).rejects.toMatchObject({ code: 'calcom_error' });
  });

  it('deleteWebhook treats 404 as already gone', async () => {
    const h = harness([() => json(200, { status: 'success', data: {} }), () => json(404, {})]);
    expect(await h.client.deleteWebhook('w1')).toBe(true);
    expect(await h.client.deleteWebhook('w1')).toBe(false);
  });

  it('reads a bookings page by updatedAt or createdAt, each booking left unparsed (one bad booking does not fail the page)', async () => {
    const page = (items: unknown[], hasNextPage: boolean) =>
      json(200, {
        status: 'success',
        data: items,
        pagination: {
          totalItems: 3,
          itemsPerPage: 100,
          currentPage: 1,
          totalPages: 2,
          hasNextPage,
          hasPreviousPage: false,
        },
      });
    const h = harness([() => page([{ uid: 'a' }, 'not even an object'], true), () => page([], false)]);
    const first = await h.client.readBookingsPage({
      field: 'updatedAt',
      after: '2026-01-01T00:00:00.000Z',
      take: 250,
      skip: 0,
    });
    expect(first).toEqual({ items: [{ uid: 'a' }, 'not even an object'], hasNextPage: true, totalItems: 3 });
    expect(Object.fromEntries(h.seen[0]!.url.searchParams)).toEqual({
      afterUpdatedAt: '2026-01-01T00:00:00.000Z',
      sortUpdatedAt: 'asc',
      take: '250',
      skip: '0',
    });
    await h.client.readBookingsPage({ field: 'createdAt', after: undefined, take: 10, skip: 20 });
    expect(Object.fromEntries(h.seen[1]!.url.searchParams)).toEqual({ sortCreated: 'asc', take: '10', skip: '20' });
    expect(header(h.seen[0]!, 'cal-api-version')).toBe('2024-08-13');
  });
});
