import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBookingStore } from '../bookings/booking-store';
import { auditPath, grantOf, rateLimitOf } from './audit-redaction';
import type { AuditRecord } from './audit-store';
import { auditCsv, openAuditStore } from './audit-store';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});
const dbFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifescore-audit-'));
  dirs.push(dir);
  const file = join(dir, 'bookings.db');
  openBookingStore(file).close(); // migrates, creating calcom_audit
  return file;
};
const rec = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  atMs: Date.parse('2026-12-01T10:00:00Z'),
  kind: 'api',
  method: 'GET',
  path: '/v2/me',
  status: 200,
  outcome: 'ok',
  durationMs: 12,
  attempt: 0,
  afterRefresh: false,
  grant: null,
  rateLimit: null,
  ...over,
});

describe('audit redaction', () => {
  it.each([
    [
      'https://api.cal.com/v2/bookings?afterUpdatedAt=2026-01-01T00%3A00%3A00Z&take=100&skip=0',
      '/v2/bookings?afterUpdatedAt=2026-01-01T00%3A00%3A00Z&take=100&skip=0',
    ],
    [
      'https://api.cal.com/v2/bookings?attendeeEmail=sam%40example.net&attendeeName=Sam',
      '/v2/bookings?attendeeEmail=…&attendeeName=…',
    ],
    ['https://api.cal.com/v2/bookings/pX3mQ8vT2nR6kW9yB4cZ1a/cancel', '/v2/bookings/pX3mQ8vT2nR6kW9yB4cZ1a/cancel'],
    [
      'https://api.cal.com/v2/auth/oauth2/token?code=abc&client_secret=s',
      '/v2/auth/oauth2/token?code=…&client_secret=…',
    ],
  ])('%s → %s', (url, path) => expect(auditPath(url)).toBe(path));

  it('keeps only numeric X-RateLimit-* headers, and only the grant type of a token body', () => {
    const h = new Headers({
      'x-ratelimit-limit-default': '500',
      'x-ratelimit-remaining-default': '497',
      'x-ratelimit-reset-default': '60',
      authorization: 'Bearer secret',
      'set-cookie': 'a=b',
    });
    expect(rateLimitOf(h)).toBe('limit-default=500 remaining-default=497 reset-default=60');
    expect(rateLimitOf(new Headers())).toBeNull();
    expect(grantOf(JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'rt-secret' }))).toBe('refresh_token');
    expect(grantOf(new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }))).toBe('authorization_code');
    expect(grantOf('grant_type=authorization_code&code=c')).toBe('authorization_code');
    expect(grantOf(undefined)).toBeNull();
  });
});

describe('audit store', () => {
  it('records, filters (kind, failures, path, since) newest first, and prunes after 30 days', () => {
    let now = Date.parse('2026-12-01T12:00:00Z');
    const file = dbFile();
    const store = openAuditStore(file, () => now);
    store.record(rec({ atMs: now - 40 * 86_400_000, path: '/v2/old' }));
    store.record(rec({ atMs: now - 3_600_000 * 5, path: '/v2/bookings?take=100', rateLimit: 'limit-default=500' }));
    store.record(
      rec({ atMs: now - 60_000, kind: 'oauth', method: 'POST', path: '/v2/auth/oauth2/token', grant: 'refresh_token' }),
    );
    store.record(
      rec({
        atMs: now - 1000,
        method: 'POST',
        path: '/v2/bookings/u1/cancel',
        status: 500,
        outcome: 'http-error',
        attempt: 0,
      }),
    );
    store.record(
      rec({
        atMs: now,
        method: 'POST',
        path: '/v2/bookings/u1/confirm',
        status: null,
        outcome: 'timeout',
        afterRefresh: true,
      }),
    );
    expect(store.list({}).map((e) => e.path)).toEqual([
      '/v2/bookings/u1/confirm',
      '/v2/bookings/u1/cancel',
      '/v2/auth/oauth2/token',
      '/v2/bookings?take=100',
      '/v2/old',
    ]);
    expect(store.list({ kind: 'oauth' })).toMatchObject([{ grant: 'refresh_token', method: 'POST' }]);
    expect(store.list({ failuresOnly: true }).map((e) => e.outcome)).toEqual(['timeout', 'http-error']);
    expect(store.list({ path: '/v2/bookings' })).toHaveLength(3);
    expect(store.list({ sinceHours: 1 })).toHaveLength(3);
    expect(store.list({})[0]).toMatchObject({ status: null, afterRefresh: true, at: '2026-12-01T12:00:00.000Z' });
    expect(store.prune()).toBe(1);
    now += 31 * 86_400_000;
    expect(store.prune()).toBe(4);
    store.close();
  });

  it('exports CSV with a header, quoting, and no formula injection', () => {
    const store = openAuditStore(dbFile(), () => Date.parse('2026-12-01T12:00:00Z'));
    store.record(rec({ path: '/v2/bookings?status=upcoming,past', rateLimit: '=cmd' }));
    const csv = auditCsv(store.list({}));
    expect(csv.split('\r\n')[0]).toBe(
      'at,kind,method,path,status,outcome,durationMs,attempt,afterRefresh,grant,rateLimit',
    );
    expect(csv).toContain('"/v2/bookings?status=upcoming,past"');
    expect(csv).toContain(",'=cmd");
    store.close();
  });

  it('refuses a database the booking store has not migrated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifescore-audit-'));
    dirs.push(dir);
    expect(() => openAuditStore(join(dir, 'x.db'), () => 0)).toThrow(/calcom_audit/);
  });
});
