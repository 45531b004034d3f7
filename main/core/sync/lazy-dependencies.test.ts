import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * smee-client and undici load when sync first needs them, not at app start (issue 10). These check that the first
 * use still works and that a package that will not load fails as a typed error where it is used. (The loopback
 * receiver is plain node:http and loads nothing: receiver.test.ts.)
 */

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

afterEach(() => {
  vi.doUnmock('smee-client');
  vi.doUnmock('undici');
  vi.resetModules();
});

describe('stream supervisor (smee-client) and stream fetch (undici)', () => {
  it('when smee-client cannot be loaded: catches up, logs the typed error, goes offline and backs off; stop() ends it', async () => {
    vi.doMock('smee-client', () => {
      throw new Error('smee-client is missing');
    });
    const { createSupervisor } = await import('./stream-supervisor');
    const warnings: unknown[][] = [];
    const statuses: string[] = [];
    const catchUp = vi.fn(async () => undefined);
    const supervisor = createSupervisor({
      random: Math.random,
      streamUrl: 'http://127.0.0.1:9/hooks/x',
      token: 't',
      targetUrl: 'http://127.0.0.1:9/',
      cursor: () => 0,
      catchUp,
      onStatus: (s) => statuses.push(s),
      onReconnected: () => undefined,
      logger: { ...quiet, warn: (...args: unknown[]) => warnings.push(args) },
      clock: { now: () => Date.now() },
      backoff: { baseMs: 20, maxMs: 40 },
    });
    supervisor.start();
    await vi.waitFor(() => expect(catchUp.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    await supervisor.stop();
    expect(supervisor.builds).toBe(0);
    expect(statuses).toContain('offline');
    expect(warnings[0]).toEqual([
      'relay stream connect failed',
      { attempt: 0, error: 'AppFailure: Could not load smee-client.' },
    ]);
  });

  it('the stream fetch loads undici on its first request, and fails typed if it cannot', async () => {
    vi.doMock('undici', () => {
      throw new Error('undici is missing');
    });
    const { createStreamFetch, isStreamRequest } = await import('./stream-fetch');
    // Telling the stream request from the forward needs no undici.
    expect(isStreamRequest({ headers: { accept: 'text/event-stream' } })).toBe(true);
    const fetchImpl = vi.fn();
    const streamFetch = createStreamFetch({ token: 't', cursor: () => 0, onActivity: () => undefined, fetchImpl });
    await expect(streamFetch('http://127.0.0.1:9/', { method: 'POST' })).rejects.toMatchObject({
      code: 'internal',
      message: 'Could not load undici.',
    });
    expect(fetchImpl).not.toHaveBeenCalled();
  });
});
