import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from './index';
import { api, connect, futureWeekdayAt, startSandbox } from '../../tests/support/sandbox/sandbox-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'calcom-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dataFile persistence', () => {
  it('keeps event types, webhooks, bookings and tokens across restarts', async () => {
    const dataFile = join(dir, 'nested', 'sandbox.json');
    const first = await startSandbox({ dataFile });
    const t = await connect(first.url);
    await api(first.url, t.access_token, 'POST', '/v2/event-types', { title: '60', slug: 'c60', lengthInMinutes: 60 });
    await api(first.url, t.access_token, 'POST', '/v2/webhooks', {
      subscriberUrl: 'http://127.0.0.1:9/x',
      triggers: ['BOOKING_CREATED'],
      active: true,
    });
    const b = await first.sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'c60',
      start: futureWeekdayAt(15),
      attendee: { name: 'A B', email: 'a@example.net', timeZone: 'UTC' },
      metadata: { source: 'newsletter' },
    });
    await first.sandbox.stop();

    const second = await startSandbox({ dataFile });
    try {
      expect(second.sandbox.listEventTypes('dana-reyes').map((e) => e.slug)).toEqual(['c60']);
      expect(second.sandbox.listWebhooks('dana-reyes')).toHaveLength(1);
      expect(second.sandbox.listBookings('dana-reyes').map((x) => x.uid)).toEqual([b.booking.uid]);
      // The booker's metadata is stored with the booking, so later answers and webhooks still have it.
      expect(second.sandbox.listBookings('dana-reyes')[0]?.metadata).toEqual({ source: 'newsletter' });
      expect((await api(second.url, t.access_token, 'GET', '/v2/me')).status).toBe(200);
      // Ids keep counting up instead of colliding with persisted ones.
      const next = await api(second.url, t.access_token, 'POST', '/v2/event-types', {
        title: '30',
        slug: 'c30',
        lengthInMinutes: 30,
      });
      expect(next.body.data.id).toBeGreaterThan(second.sandbox.listEventTypes('dana-reyes')[0]!.id);
    } finally {
      await second.sandbox.stop();
    }
  });

  it('is in memory without a dataFile', async () => {
    const a = await startSandbox();
    await a.sandbox.stop();
    expect(a.sandbox.listEventTypes('dana-reyes')).toEqual([]);
    expect(a.sandbox.listUsers().map((u) => u.username)).toContain('dana-reyes');
  });

  it('refuses a corrupt data file with a clear error instead of discarding it', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 1, users: 'nope' }));
    expect(() => createSandbox({ dataFile: bad })).toThrow(/not valid sandbox state/);
  });

  it('validates options', () => {
    expect(() => createSandbox({ port: -1 })).toThrow(/Invalid sandbox option port/);
    expect(() => createSandbox({ relayPublicUrl: 'not a url' })).toThrow(/relayPublicUrl/);
  });
});

describe('cli', () => {
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cli.ts')], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let signalled = false;
      const onData = (d: Buffer) => {
        out += d.toString();
        // Once: a second SIGTERM, sent on the log line the shutdown itself prints, would kill it mid-stop (code null).
        if (!signalled && /Cal\.com sandbox: http:\/\/127\.0\.0\.1:\d+/.test(out)) {
          signalled = true;
          child.kill('SIGTERM');
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => resolve({ code, out }));
    });

  it('exits 1 with a clear message on invalid environment', async () => {
    const r = await run({ SANDBOX_PORT: 'abc' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('Invalid SANDBOX_PORT');
  });

  it('prints its URL and stops on SIGTERM', async () => {
    const r = await run({ SANDBOX_PORT: '0', SANDBOX_DATA_FILE: join(dir, 'cli.json') });
    expect(r.out).toMatch(/Cal\.com sandbox: http:\/\/127\.0\.0\.1:\d+/);
    expect(r.code).toBe(0);
  });
});
