import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { HOST_KEY_HEADER, HOST_KEY_STORAGE, renderHostBridgeScript } from './host-bridge-script';

/** Runs the generated script against a minimal fake window, the way a browser would before the app module. */
function load(href: string, stored: string | null = null) {
  const storage = new Map<string, string>(stored ? [[HOST_KEY_STORAGE, stored]] : []);
  const replaced: string[] = [];
  const fetch = vi.fn(async (_url: string, _init: { headers: Record<string, string>; body: string }) => ({
    status: 200,
    json: async () => ({ ok: true, data: 'pong' }),
  }));
  const sources: { url: string; onmessage?: (m: { data: string }) => void }[] = [];
  class EventSource {
    onmessage?: (m: { data: string }) => void;
    constructor(readonly url: string) {
      sources.push(this);
    }
  }
  const window: Record<string, unknown> = {
    location: { href },
    sessionStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
    },
    history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url) },
  };
  runInNewContext(renderHostBridgeScript(['getState', 'listBookings']), {
    window,
    fetch,
    EventSource,
    URL,
    JSON,
    Object,
    Promise,
    console,
  });
  const bridge = window.lifescore as Record<string, (input?: unknown) => Promise<unknown>> & {
    onEvent(l: (e: unknown) => void): () => void;
  };
  return { bridge, window, storage, replaced, fetch, sources };
}

describe('host bridge script', () => {
  it('moves the key from the URL to sessionStorage and strips it from the address bar', () => {
    const { storage, replaced, window } = load('http://127.0.0.1:4000/?k=abc123&x=1#/bookings');
    expect(storage.get(HOST_KEY_STORAGE)).toBe('abc123');
    expect(replaced).toEqual(['/?x=1#/bookings']);
    expect(window.lifescoreHost).toBe('browser');
  });

  it('sends the key as a header and JSON input on each call', async () => {
    const { bridge, fetch } = load('http://127.0.0.1:4000/', 'stored-key');
    expect(await bridge.listBookings!({ tab: 'past' })).toEqual({ ok: true, data: 'pong' });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/bridge/listBookings');
    expect(init.headers[HOST_KEY_HEADER]).toBe('stored-key');
    expect(JSON.parse(init.body)).toEqual({ tab: 'past' });
    await bridge.getState!();
    expect(JSON.parse(fetch.mock.calls[1]![1].body)).toEqual({});
  });

  it('answers forbidden without a key, and exposes only the listed methods plus onEvent', async () => {
    const { bridge, fetch } = load('http://127.0.0.1:4000/');
    expect(Object.keys(bridge).sort()).toEqual(['getState', 'listBookings', 'onEvent']);
    expect(await bridge.getState!()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(fetch).not.toHaveBeenCalled();
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('delivers stream events to listeners until they unsubscribe', () => {
    const { bridge, sources } = load('http://127.0.0.1:4000/?k=key%2B1');
    const seen: unknown[] = [];
    const off = bridge.onEvent((e) => seen.push(e));
    expect(sources).toHaveLength(1);
    expect(sources[0]!.url).toBe('/bridge/events?k=key%2B1');
    sources[0]!.onmessage?.({ data: JSON.stringify({ type: 'toast', level: 'info', message: 'hi' }) });
    sources[0]!.onmessage?.({ data: 'not json' });
    off();
    sources[0]!.onmessage?.({ data: JSON.stringify({ type: 'toast', level: 'info', message: 'again' }) });
    expect(seen).toEqual([{ type: 'toast', level: 'info', message: 'hi' }]);
  });
});
