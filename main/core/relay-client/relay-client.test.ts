import { describe, expect, it } from 'vitest';
import type { FetchFn } from '../ports';
import { channelEventsOf, createRelayClient, isChannelGone, RelayApiError } from './relay-client';

const channel = {
  id: 'AAAAAAAAAAAAAAAAAAAAAAAA',
  token: 't'.repeat(40),
  ingestUrl: 'https://relay.test/hooks/A',
  streamUrl: 'https://relay.test/hooks/A',
};

function client(respond: (url: string, init: RequestInit) => Response | Promise<Response>, registrationKey?: string) {
  const seen: Array<{ url: string; init: RequestInit }> = [];
  const f: FetchFn = async (input, init) => {
    seen.push({ url: String(input), init: init ?? {} });
    return respond(String(input), init ?? {});
  };
  return {
    relay: createRelayClient({
      relayUrl: 'https://relay.test/',
      fetch: f,
      ...(registrationKey ? { registrationKey } : {}),
    }),
    seen,
  };
}
const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status });
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
    expect(seen[0]).toMatchObject({
      url: 'https://relay.test/api/channels/ch/secret',
      init: { method: 'PUT', body: JSON.stringify({ secret: 's'.repeat(20) }) },
    });
    expect(auth(seen[0]!.init)).toBe('Bearer tok');
  });

  it('maps failures: network and 5xx/429 → relay_unavailable, other 4xx → relay_error with the message', async () => {
    await expect(
      client(() => Promise.reject(new TypeError('fetch failed'))).relay.setSecret('c', 't', 's'),
    ).rejects.toMatchObject({ code: 'relay_unavailable' });
    await expect(client(() => json(503)).relay.setSecret('c', 't', 's')).rejects.toMatchObject({
      code: 'relay_unavailable',
      status: 503,
    });
    await expect(client(() => json(429)).relay.createChannel()).rejects.toMatchObject({ code: 'relay_unavailable' });
    await expect(
      client(() => json(400, { error: { code: 'bad_request', message: 'secret too short' } })).relay.setSecret(
        'c',
        't',
        's',
      ),
    ).rejects.toThrow(/secret too short/);
  });

  it('delete is idempotent: gone (401 from the relay, 404, 410) resolves false', async () => {
    expect(await client(() => json(204)).relay.deleteChannel('c', 't')).toBe(true);
    for (const status of [401, 404, 410])
      expect(await client(() => json(status)).relay.deleteChannel('c', 't')).toBe(false);
    await expect(client(() => json(500)).relay.deleteChannel('c', 't')).rejects.toMatchObject({
      code: 'relay_unavailable',
    });
  });

  it('keeps the relay’s own error code, and the cause of an unreachable relay', async () => {
    const refused = json(409, { error: { code: 'account_mismatch', message: 'another account' } });
    const err = await client(() => refused)
      .relay.setSecret('c', 't', 's')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelayApiError);
    expect(err).toMatchObject({ code: 'relay_error', status: 409, relayCode: 'account_mismatch' });
    const cause = new TypeError('fetch failed');
    const down = await client(() => Promise.reject(cause))
      .relay.setSecret('c', 't', 's')
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'relay_unavailable', status: undefined, cause });
    const gone = await client(() => json(401))
      .relay.channelStatus('c', 't')
      .catch((e: unknown) => e);
    expect(isChannelGone(gone)).toBe(true);
    expect(isChannelGone(down)).toBe(false);
  });
});

describe('channel events (pull and ack, the sync path)', () => {
  const page = { events: [], lastSeq: 3, oldestSeq: 1 };

  it('pulls after the cursor with the channel token, and validates the page against the protocol', async () => {
    const { relay, seen } = client(() => json(200, page));
    const events = channelEventsOf(relay, { channelId: 'ch 1', token: 'tok' });
    expect(await events.pull(41, 500)).toEqual(page);
    expect(seen[0]?.url).toBe('https://relay.test/api/channels/ch%201/events?after=41&limit=500');
    expect(seen[0]?.init.method).toBe('GET');
    expect(auth(seen[0]!.init)).toBe('Bearer tok');
    const bad = channelEventsOf(client(() => json(200, { nope: true })).relay, { channelId: 'c', token: 't' });
    await expect(bad.pull(0, 10)).rejects.toMatchObject({ code: 'relay_error', status: 200 });
  });

  it('aborts a pull on the caller’s signal', async () => {
    const hanging = client(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const stop = new AbortController();
    const pending = channelEventsOf(hanging.relay, { channelId: 'c', token: 't' }).pull(0, 10, stop.signal);
    stop.abort();
    await expect(pending).rejects.toMatchObject({ code: 'relay_unavailable' });
  });

  it('acks up to a sequence with a JSON body; a relay that fails the ack is an error the batcher retries', async () => {
    const { relay, seen } = client(() => json(204));
    await channelEventsOf(relay, { channelId: 'c', token: 'tok' }).ack(7);
    expect(seen[0]?.url).toBe('https://relay.test/api/channels/c/ack');
    expect(seen[0]?.init).toMatchObject({ method: 'POST', body: '{"upTo":7}' });
    expect(new Headers(seen[0]!.init.headers).get('content-type')).toBe('application/json');
    const down = channelEventsOf(client(() => json(503)).relay, { channelId: 'c', token: 't' });
    await expect(down.ack(1)).rejects.toMatchObject({ code: 'relay_unavailable', status: 503 });
  });
});
