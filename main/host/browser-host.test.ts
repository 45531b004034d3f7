import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers, PushEvent } from '../../common/api';
import type { AppState } from '../../common/app-state';
import { AppFailure } from '../../common/errors';
import type { AppCore } from '../core/ports';
import type { BrowserHost } from './browser-host';
import { startBrowserHost } from './browser-host';

const state: AppState = {
  connection: { status: 'disconnected', eventTypes: [] },
  sync: { status: 'idle', quarantined: 0 },
  services: { 30: true, 60: true, 90: true },
  version: '0.0.0-test',
};

/** A fake core: records calls, answers from fixtures, and lets the test emit push events. */
function fakeCore() {
  const calls: { method: string; input: unknown }[] = [];
  const listeners = new Set<(event: PushEvent) => void>();
  const record =
    <T>(method: string, answer: (input: unknown) => T) =>
    async (input: unknown) => {
      calls.push({ method, input });
      return answer(input);
    };
  const handlers = {
    getState: record('getState', () => state),
    connect: record('connect', () => {
      throw new AppFailure('already_connecting', 'A connect attempt is already under way.');
    }),
    cancelConnect: record('cancelConnect', () => null),
    disconnect: record('disconnect', () => null),
    setServices: record('setServices', () => state),
    listBookings: record('listBookings', () => ({ items: [], total: 0 })),
    countBookings: record('countBookings', () => {
      throw new Error('secret internal detail');
    }),
    getBooking: record('getBooking', () => null),
    markNoShow: record('markNoShow', () => null),
    syncNow: record('syncNow', () => null),
    getSettings: record('getSettings', () => null),
    updateSettings: record('updateSettings', () => null),
    openExternal: record('openExternal', () => null),
  } as unknown as ApiHandlers;
  const core: AppCore = {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handleDeepLink: async () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
  return {
    core,
    calls,
    emit: (event: PushEvent) => listeners.forEach((l) => l(event)),
    listenerCount: () => listeners.size,
  };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, not fetch: fetch will not let a test forge Host. */
function send(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const SECRET = 'test-secret-0123456789abcdefghij';

describe('startBrowserHost', () => {
  let dir: string;
  let host: BrowserHost;
  let fake: ReturnType<typeof fakeCore>;
  const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    send(host.port, {
      method: 'POST',
      path: `/bridge/${method}`,
      headers: { 'content-type': 'application/json', 'x-lifescore-key': SECRET, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'host-test-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'self\'" /><title>t</title><script type="module" crossorigin src="./assets/app.js"></script></head><body></body></html>',
    );
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    fake = fakeCore();
    host = await startBrowserHost({ core: fake.core, rendererDir: dir, secret: SECRET });
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a loopback URL carrying the secret', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?k=${SECRET}`);
  });

  it('generates a strong secret when none is given and refuses weak ones', async () => {
    const other = await startBrowserHost({ core: fakeCore().core, rendererDir: dir });
    try {
      expect(new URL(other.url).searchParams.get('k')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await other.close();
    }
    await expect(startBrowserHost({ core: fakeCore().core, rendererDir: dir, secret: 'short' })).rejects.toThrow(
      /128 bits/,
    );
  });

  it('refuses to start without a built renderer', async () => {
    await expect(startBrowserHost({ core: fakeCore().core, rendererDir: join(dir, 'nope') })).rejects.toThrow(
      /npm run build/,
    );
  });

  it('serves index.html with the bridge script injected before the app script, and a CSP header', async () => {
    const reply = await send(host.port, { path: '/' });
    expect(reply.status).toBe(200);
    expect(reply.body.indexOf('<script src="/host-bridge.js"></script>')).toBeGreaterThan(0);
    expect(reply.body.indexOf('/host-bridge.js')).toBeLessThan(reply.body.indexOf('./assets/app.js'));
    // The page's own policy (its meta tag), plus framing, which only a header can forbid.
    expect(reply.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; frame-ancestors 'none'",
    );
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves the bridge script with every API method and static assets', async () => {
    const script = await send(host.port, { path: '/host-bridge.js' });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    for (const m of ['getState', 'connect', 'listBookings', 'openExternal']) expect(script.body).toContain(`"${m}"`);
    expect((await send(host.port, { path: '/assets/app.js' })).body).toBe('console.log(1)');
    expect((await send(host.port, { path: '/../index.html' })).status).not.toBe(500);
  });

  it.each([
    ['a foreign Host (DNS rebinding)', { host: 'evil.example:80' }],
    ['our port under another name', { host: `attacker.test` }],
    ['a foreign Origin (CSRF)', { origin: 'http://evil.example' }],
    ['an Origin on another port', { origin: 'http://127.0.0.1:1' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ])('answers 403 to %s, even with the right secret', async (_name, headers) => {
    const reply = await call('getState', {}, headers);
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    if (!('sec-fetch-site' in headers)) expect((await send(host.port, { path: '/', headers })).status).toBe(403);
  });

  it('answers a cross-site fetch with the bridge path in other case as no bridge at all (security review 42)', async () => {
    const headers = { 'content-type': 'application/json', 'x-lifescore-key': SECRET, 'sec-fetch-site': 'cross-site' };
    const before = fake.calls.length;
    for (const path of ['/BRIDGE/getState', '/Bridge/getState', '/bridge/GETSTATE']) {
      const reply = await send(host.port, { method: 'POST', path, headers, body: '{}' });
      expect(reply.status, path).not.toBe(200);
    }
    expect((await send(host.port, { path: `/Bridge/events?k=${SECRET}`, headers })).status).not.toBe(200);
    expect(fake.calls.length).toBe(before);
  });

  it('lets a link from another local site open the page, but not call the bridge', async () => {
    const headers = { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate' };
    expect((await send(host.port, { path: '/', headers })).status).toBe(200);
    expect((await call('getState', {}, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
  });

  it('accepts localhost and our own Origin', async () => {
    const reply = await call(
      'getState',
      {},
      { host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` },
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, data: state });
  });

  it('requires the secret on bridge calls', async () => {
    const before = fake.calls.length;
    const missing = await send(host.port, {
      method: 'POST',
      path: '/bridge/getState',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(403);
    const wrong = await call('getState', {}, { 'x-lifescore-key': `${SECRET.slice(0, -1)}x` });
    expect(wrong.status).toBe(403);
    expect(fake.calls.length).toBe(before);
  });

  it('answers 403 before anything else on every bridge path without the secret (found by fuzzing: /bridge/.)', async () => {
    for (const path of ['/bridge', '/bridge/', '/bridge/nope', '/bridge/a/b']) {
      const reply = await send(host.port, {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(reply.status, path).toBe(403);
    }
  });

  it('dispatches valid input to the core with parsed values (defaults applied)', async () => {
    const reply = await call('listBookings', { tab: 'upcoming' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, data: { items: [], total: 0 } });
    expect(fake.calls.at(-1)).toEqual({ method: 'listBookings', input: { tab: 'upcoming', offset: 0, limit: 100 } });
    await call('disconnect', {});
    expect(fake.calls.at(-1)).toEqual({ method: 'disconnect', input: { hideEventTypes: true } });
  });

  it('answers 400 bad_input for invalid input without calling the core', async () => {
    const before = fake.calls.length;
    for (const [method, body] of [
      ['listBookings', { tab: 'someday' }],
      ['getBooking', {}],
      ['getState', { extra: 1 }],
      ['openExternal', { url: 'not a url' }],
    ] as const) {
      const reply = await call(method, body);
      expect(reply.status, method).toBe(400);
      const parsed = JSON.parse(reply.body);
      expect(parsed.ok).toBe(false);
      expect(parsed.error.code).toBe('bad_input');
      expect(parsed.error.message).toMatch(/Invalid input/);
    }
    expect(fake.calls.length).toBe(before);
  });

  it('answers 400 for malformed JSON and for non-JSON bodies, 404 for unknown methods', async () => {
    const malformed = await call('getState', '{"oops');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.code).toBe('bad_input');
    const text = await call('getState', '{}', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    for (const name of ['nope', 'constructor', '__proto__', 'toString']) {
      const unknown = await call(name, {});
      expect(unknown.status, name).toBe(404);
      expect(JSON.parse(unknown.body).error.code).toBe('not_found');
    }
  });

  it('turns thrown errors into typed errors without leaking internals', async () => {
    expect(JSON.parse((await call('connect', {})).body)).toEqual({
      ok: false,
      error: { code: 'already_connecting', message: 'A connect attempt is already under way.' },
    });
    const internal = JSON.parse((await call('countBookings', {})).body);
    expect(internal.error.code).toBe('internal');
    expect(internal.error.message).not.toContain('secret internal detail');
  });

  it('streams push events over SSE, starting with the current state', async () => {
    expect((await send(host.port, { path: '/bridge/events' })).status).toBe(403);
    expect((await send(host.port, { path: '/bridge/events?k=wrong' })).status).toBe(403);

    const received: PushEvent[] = [];
    let buffer = '';
    const req = httpRequest({
      host: '127.0.0.1',
      port: host.port,
      path: `/bridge/events?k=${SECRET}`,
      headers: { host: `127.0.0.1:${host.port}`, accept: 'text/event-stream' },
    });
    const opened = new Promise<string | undefined>((resolve) =>
      req.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame.split('\n').find((line) => line.startsWith('data: '));
            if (data) received.push(JSON.parse(data.slice(6)) as PushEvent);
          }
        });
        resolve(res.headers['content-type']);
      }),
    );
    req.on('error', () => undefined);
    req.end();
    expect(await opened).toContain('text/event-stream');
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toEqual({ type: 'state', state });

    fake.emit({ type: 'bookings-changed', uids: ['b1'], reason: 'created' });
    host.push({ type: 'toast', level: 'info', message: 'New booking' });
    await expect.poll(() => received.length).toBe(3);
    expect(received[1]).toEqual({ type: 'bookings-changed', uids: ['b1'], reason: 'created' });
    expect(received[2]).toEqual({ type: 'toast', level: 'info', message: 'New booking' });
    req.destroy();
  });

  it('stops listening to the core on close', async () => {
    const f = fakeCore();
    const h = await startBrowserHost({ core: f.core, rendererDir: dir });
    expect(f.listenerCount()).toBe(1);
    await h.close();
    expect(f.listenerCount()).toBe(0);
  });
});
