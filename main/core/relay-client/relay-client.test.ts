import { describe, expect, it } from 'vitest';
import type { FetchFn } from '../oauth/token-endpoint';
import { createRelayClient } from './relay-client';

const channel = { id: 'AAAAAAAAAAAAAAAAAAAAAAAA', token: 't'.repeat(40), ingestUrl: 'https://relay.test/hooks/A', streamUrl: 'https://relay.test/hooks/A' };

function client(respond: (url: string, init: RequestInit) => Response | Promise<Response>, registrationKey?: string) {
  const seen: Array<{ url: string; init: RequestInit }> = [];
  const f: FetchFn = async (input, init) => {
    seen.push({ url: String(input), init: init ?? {} });
    return respond(String(input), init ?? {});
  };
  return { relay: createRelayClient({ relayUrl: 'https://relay.test/', fetch: f, ...(registrationKey ? { registrationKey } : {}) }), seen };
}
const json = (status: number, body?: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status });
const auth = (init: RequestInit) => new Headers(init.headers).get('authorization');

describe('createRelayClient', () => {
  it('creates a channel (with the registration key when set) and validates the answer', async () => {
    const { relay, seen } = client(() => json(201, channel), 'reg-key');
    expect(await relay.createChannel()).toEqual(channel);
    expect(seen[0]?.url).toBe('https://relay.test/api/channels');
    expect(auth(seen[0]!.init)).toBe('Bearer reg-key');
    const bad = client(() => json(201, { id: 'x' }));
    await expect(bad.relay.createChannel()).rejects.toMatchObject({ code: 'relay_error' });
  });

  it('sets the secret with the channel token', async () => {
    const { relay, seen } = client(() => json(204));
    await relay.setSecret('ch', 'tok', 's'.repeat(20));
    expect(seen[0]).toMatchObject({ url: 'https://relay.test/api/channels/ch/secret', init: { method: 'PUT', body: JSON.stringify({ secret: 's'.repeat(20) }) } });
    expect(auth(seen[0]!.init)).toBe('Bearer tok');
  });

  it('maps failures: network and 5xx/429 → relay_unavailable, other 4xx → relay_error with the message', async () => {
    await expect(client(() => Promise.reject(new TypeError('fetch failed'))).relay.setSecret('c', 't', 's')).rejects.toMatchObject({ code: 'relay_unavailable' });
    await expect(client(() => json(503)).relay.setSecret('c', 't', 's')).rejects.toMatchObject({ code: 'relay_unavailable', status: 503 });
    await expect(client(() => json(429)).relay.createChannel()).rejects.toMatchObject({ code: 'relay_unavailable' });
    await expect(client(() => json(400, { error: { code: 'bad_request', message: 'secret too short' } })).relay.setSecret('c', 't', 's')).rejects.toThrow(/secret too short/);
  });

  it('delete is idempotent: gone (401 from the relay, 404, 410) resolves false', async () => {
    expect(await client(() => json(204)).relay.deleteChannel('c', 't')).toBe(true);
    for (const status of [401, 404, 410]) expect(await client(() => json(status)).relay.deleteChannel('c', 't')).toBe(false);
    await expect(client(() => json(500)).relay.deleteChannel('c', 't')).rejects.toMatchObject({ code: 'relay_unavailable' });
  });
});
