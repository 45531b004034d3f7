import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from './index';
import {
  api,
  connect,
  futureWeekdayAt,
  Receiver,
  startSandbox,
  tokenRequest,
} from '../../tests/support/sandbox/sandbox-test-kit';

let sandbox: Sandbox;
let url: string;
let token: string;
let receiver: Receiver;
let n = 0;
const book = () =>
  sandbox.createBooking({
    username: 'dana-reyes',
    eventTypeSlug: 'c30',
    start: futureWeekdayAt(14 + (n % 4), 1 + Math.floor(n++ / 4)),
    attendee: { name: 'Sam Lee', email: 'sam@example.net', timeZone: 'UTC' },
  });

beforeAll(async () => {
  ({ sandbox, url } = await startSandbox());
  receiver = await Receiver.start();
  token = (await connect(url)).access_token;
  await api(url, token, 'POST', '/v2/event-types', { title: '30', slug: 'c30', lengthInMinutes: 30 });
  await api(url, token, 'POST', '/v2/webhooks', {
    subscriberUrl: `${receiver.url}/h`,
    triggers: ['BOOKING_CREATED'],
    active: true,
  });
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.close();
});
beforeEach(() => sandbox.setFaults({}));

describe('webhook faults', () => {
  it('drops the next N deliveries, reported as errors', async () => {
    sandbox.setFaults({ webhooks: { drop: 1 } });
    receiver.requests.splice(0);
    expect((await book()).deliveries[0]).toMatchObject({ error: expect.stringMatching(/dropped/) });
    expect((await book()).deliveries[0]).toMatchObject({ status: 200 });
    expect(receiver.requests).toHaveLength(1);
    expect(sandbox.getFaults()).toEqual({ webhooks: { drop: 0 } });
  });

  it("drops every delivery with drop: 'all'", async () => {
    sandbox.setFaults({ webhooks: { drop: 'all' } });
    receiver.requests.splice(0);
    await book();
    await book();
    expect(receiver.requests).toHaveLength(0);
  });

  it('delays deliveries (the booking call still awaits them)', async () => {
    sandbox.setFaults({ webhooks: { delayMs: 250 } });
    const started = Date.now();
    expect((await book()).deliveries[0]?.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe('API faults', () => {
  it('answers 500 for the next N calls, then recovers', async () => {
    sandbox.setFaults({ api: [{ mode: '500', times: 2 }] });
    const first = await api(url, token, 'GET', '/v2/me');
    expect(first.status).toBe(500);
    expect(first.body.error.code).toBe('InternalServerErrorException');
    expect((await api(url, token, 'GET', '/v2/me')).status).toBe(500);
    expect((await api(url, token, 'GET', '/v2/me')).status).toBe(200);
  });

  it('answers 429 in the throttler shape only on paths matching the pattern', async () => {
    sandbox.setFaults({ api: [{ mode: '429', path: '^/v2/bookings' }] });
    const limited = await api(url, token, 'GET', '/v2/bookings');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('ThrottlerException');
    expect(limited.headers.get('x-ratelimit-remaining-default')).toBe('0');
    expect((await api(url, token, 'GET', '/v2/me')).status).toBe(200);
  });

  it('can fail the token endpoint too', async () => {
    sandbox.setFaults({ api: [{ mode: '500', path: '^/v2/auth/oauth2/token$', times: 1 }] });
    expect(
      (await tokenRequest(url, { grant_type: 'refresh_token', client_id: 'lifescore-desktop', refresh_token: 'x' }))
        .status,
    ).toBe(500);
    expect(
      (await tokenRequest(url, { grant_type: 'refresh_token', client_id: 'lifescore-desktop', refresh_token: 'x' }))
        .status,
    ).toBe(400);
  });

  it('timeout: holds the request and drops the connection without an answer', async () => {
    sandbox.setFaults({ api: [{ mode: 'timeout', hangMs: 200, times: 1 }] });
    const started = Date.now();
    await expect(fetch(`${url}/v2/me`, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await api(url, token, 'GET', '/v2/me')).status).toBe(200);
  });
});

describe('/_sandbox/faults over HTTP', () => {
  it('PUT sets, GET reads, DELETE clears; invalid settings are 400', async () => {
    const put = await fetch(`${url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: [{ mode: '500', times: 1 }] }),
    });
    expect(put.status).toBe(200);
    expect(await (await fetch(`${url}/_sandbox/faults`)).json()).toEqual({ api: [{ mode: '500', times: 1 }] });
    expect((await api(url, token, 'GET', '/v2/me')).status).toBe(500);
    const bad = await fetch(`${url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: [{ mode: '418' }] }),
    });
    expect(bad.status).toBe(400);
    await fetch(`${url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhooks: { drop: 'all' } }),
    });
    expect(await (await fetch(`${url}/_sandbox/faults`, { method: 'DELETE' })).json()).toEqual({});
  });
});
