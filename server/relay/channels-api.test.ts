import { describe, expect, it } from 'vitest';
import { pullResponseSchema } from '../../common/relay';
import { createReadyChannel, TEST_SECRET, postWebhook, relaysPerTest } from '../../tests/support/relay/relay-test-kit';
import type { RelayOptions } from './relay';
import { openRelayStorage } from './store/open-relay-storage';

const relays = relaysPerTest();
const relay = relays.start;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const jsonHeaders = (t: string) => ({ ...bearer(t), 'content-type': 'application/json' });

describe('channels API', () => {
  it('creates a channel: 201 with id, token and URLs on the real port', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    expect(ch.ingestUrl).toBe(`${url}/hooks/${ch.id}`);
    expect(ch.streamUrl).toBe(ch.ingestUrl);
    expect(url).not.toMatch(/:0$/);
    expect((await createReadyChannel(url)).id).not.toBe(ch.id);
  });

  it('uses RELAY_PUBLIC_URL for the URLs it hands out', async () => {
    const { url } = await relay({ RELAY_PUBLIC_URL: 'https://relay.example.com/' });
    const ch = await createReadyChannel(url);
    expect(ch.ingestUrl).toBe(`https://relay.example.com/hooks/${ch.id}`);
  });

  it('requires the registration key when one is set', async () => {
    const key = 'registration-key-0123456789';
    const { url } = await relay({ RELAY_REGISTRATION_KEY: key });
    expect((await fetch(`${url}/api/channels`, { method: 'POST' })).status).toBe(401);
    const wrong = await fetch(`${url}/api/channels`, { method: 'POST', headers: bearer('nope-nope-nope-nope') });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    await createReadyChannel(url, bearer(key));
  });

  it('answers the same 401 for a wrong token, a missing token and an unknown channel', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    const other = await createReadyChannel(url);
    const cases = [
      fetch(`${url}/api/channels/${ch.id}/events`),
      fetch(`${url}/api/channels/${ch.id}/events`, { headers: bearer(other.token) }),
      fetch(`${url}/api/channels/${'x'.repeat(24)}/events`, { headers: bearer(ch.token) }),
      fetch(`${url}/api/channels/not-an-id/events`, { headers: bearer(ch.token) }),
      fetch(`${url}/api/channels/${ch.id}`, { method: 'DELETE', headers: bearer(other.token) }),
    ];
    const bodies = await Promise.all(
      (await Promise.all(cases)).map(async (r) => ({
        status: r.status,
        body: await r.text(),
        www: r.headers.get('www-authenticate'),
      })),
    );
    for (const b of bodies) expect(b).toEqual(bodies[0]);
    expect(bodies[0]?.status).toBe(401);
  });

  it('sets the secret (204), validates it (400) and wants JSON (415)', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    const put = (body: string, headers: Record<string, string>) =>
      fetch(`${url}/api/channels/${ch.id}/secret`, { method: 'PUT', headers, body });
    expect((await put(JSON.stringify({ secret: 's'.repeat(32) }), jsonHeaders(ch.token))).status).toBe(204);
    const short = await put(JSON.stringify({ secret: 'short' }), jsonHeaders(ch.token));
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    expect((await put(JSON.stringify({ secret: 's'.repeat(32), extra: 1 }), jsonHeaders(ch.token))).status).toBe(400);
    expect((await put('{not json', jsonHeaders(ch.token))).status).toBe(400);
    expect(
      (await put('secret=x', { ...bearer(ch.token), 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(415);
    expect((await put(JSON.stringify({ secret: 's'.repeat(32) }), { 'content-type': 'application/json' })).status).toBe(
      401,
    );
  });

  it('pulls events with raw bodies, pages them, and acks forward only', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    for (let i = 1; i <= 5; i++)
      expect((await postWebhook(ch.ingestUrl, `{"n":${i}}`, { secret: TEST_SECRET })).status).toBe(200);
    const page = pullResponseSchema.parse(
      await (await fetch(`${url}/api/channels/${ch.id}/events?after=1&limit=2`, { headers: bearer(ch.token) })).json(),
    );
    expect(page.events.map((e) => e.seq)).toEqual([2, 3]);
    expect(Buffer.from(page.events[0]!.bodyBase64, 'base64').toString()).toBe('{"n":2}');
    expect(page).toMatchObject({ lastSeq: 5, oldestSeq: 1 });
    expect(new Date(page.events[0]!.receivedAt).toISOString()).toBe(page.events[0]!.receivedAt);
    expect((await fetch(`${url}/api/channels/${ch.id}/events?limit=5000`, { headers: bearer(ch.token) })).status).toBe(
      400,
    );
    expect((await fetch(`${url}/api/channels/${ch.id}/events?after=-1`, { headers: bearer(ch.token) })).status).toBe(
      400,
    );

    const ack = (upTo: unknown) =>
      fetch(`${url}/api/channels/${ch.id}/ack`, {
        method: 'POST',
        headers: jsonHeaders(ch.token),
        body: JSON.stringify({ upTo }),
      });
    expect(await (await ack(3)).json()).toEqual({ ackedSeq: 3 });
    expect(await (await ack(1)).json()).toEqual({ ackedSeq: 3 });
    expect((await ack(6)).status).toBe(400);
    expect((await ack('3')).status).toBe(400);
  });

  it('answers 401, not 500, to an ack whose channel is closed while it is being answered (security review 42)', async () => {
    // The channel is closed between the auth lookup and the ack's own read: the second lookup finds nothing.
    let lookups = 0;
    const openStorage: RelayOptions['openStorage'] = async (config, hooks) => {
      const real = await openRelayStorage(config, hooks);
      const getChannel: typeof real.events.getChannel = async (id) =>
        ++lookups === 2 ? undefined : real.events.getChannel(id);
      return { ...real, events: { ...real.events, getChannel } };
    };
    const { url } = await relays.start({}, undefined, { openStorage });
    const ch = await createReadyChannel(url);
    lookups = 0;
    const res = await fetch(`${url}/api/channels/${ch.id}/ack`, {
      method: 'POST',
      headers: jsonHeaders(ch.token),
      body: JSON.stringify({ upTo: 0 }),
    });
    expect(lookups).toBe(2);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('deletes a channel (204); its token and ingest URL stop working', async () => {
    const { url } = await relay();
    const ch = await createReadyChannel(url);
    expect((await fetch(`${url}/api/channels/${ch.id}`, { method: 'DELETE', headers: bearer(ch.token) })).status).toBe(
      204,
    );
    expect((await fetch(`${url}/api/channels/${ch.id}/events`, { headers: bearer(ch.token) })).status).toBe(401);
    expect((await postWebhook(ch.ingestUrl, '{}', { secret: TEST_SECRET })).status).toBe(404);
  });

  it('answers unknown routes with the JSON error shape and sends no CORS headers', async () => {
    const { url } = await relay();
    const res = await fetch(`${url}/api/nope`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    const pre = await fetch(`${url}/api/channels`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const created = await fetch(`${url}/api/channels`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(created.headers.get('access-control-allow-origin')).toBeNull();
  });
});
