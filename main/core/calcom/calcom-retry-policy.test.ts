import { describe, expect, it } from 'vitest';
import { decideRetry, rateLimitWaitMs } from './calcom-retry-policy';

const now = 1_800_000_000_000;
const h = (o: Record<string, string>) => new Headers(o);

describe('decideRetry', () => {
  it.each([
    ['500 first attempt, random 0.5', { attempt: 0, status: 500, random: 0.5 }, { retry: true, delayMs: 150 }],
    ['503 third attempt', { attempt: 2, status: 503, random: 0.5 }, { retry: true, delayMs: 600 }],
    ['network error', { attempt: 1, status: undefined, random: 0.99 }, { retry: true, delayMs: 594 }],
    ['backoff capped', { attempt: 10, status: 502, random: 0.999, maxAttempts: 20 }, { retry: true, delayMs: 7992 }],
    ['tiny random still waits a bit', { attempt: 0, status: 500, random: 0 }, { retry: true, delayMs: 50 }],
    ['last attempt', { attempt: 3, status: 500, random: 0.5 }, { retry: false }],
    ['400', { attempt: 0, status: 400, random: 0.5 }, { retry: false }],
    ['401 is the caller’s (refresh), not a retry', { attempt: 0, status: 401, random: 0.5 }, { retry: false }],
    ['403', { attempt: 0, status: 403, random: 0.5 }, { retry: false }],
    ['404', { attempt: 0, status: 404, random: 0.5 }, { retry: false }],
    ['409', { attempt: 0, status: 409, random: 0.5 }, { retry: false }],
    [
      '429 with reset seconds',
      { attempt: 0, status: 429, random: 0, headers: h({ 'x-ratelimit-reset-default': '3' }) },
      { retry: true, delayMs: 3000 },
    ],
    [
      '429 with a unix reset',
      { attempt: 0, status: 429, random: 0, headers: h({ 'X-RateLimit-Reset-Default': String(now / 1000 + 5) }) },
      { retry: true, delayMs: 5000 },
    ],
    [
      '429 too long to wait',
      { attempt: 0, status: 429, random: 0, headers: h({ 'x-ratelimit-reset-default': '600' }) },
      { retry: false },
    ],
    ['429 without headers', { attempt: 0, status: 429, random: 0 }, { retry: true, delayMs: 1000 }],
  ] as const)('%s', (_n, input, want) => {
    expect(decideRetry({ maxAttempts: 4, nowMs: now, ...input })).toEqual(want);
  });
});

describe('rateLimitWaitMs', () => {
  it.each([
    ['retry-after wins', { 'retry-after': '7', 'x-ratelimit-reset-default': '2' }, 7000],
    ['longest named limit', { 'x-ratelimit-reset-default': '2', 'x-ratelimit-reset-booking': '9' }, 9000],
    ['ms timestamp', { 'x-ratelimit-reset-default': String(now + 1500) }, 1500],
    ['past timestamp', { 'x-ratelimit-reset-default': String(now / 1000 - 5) }, 0],
    ['garbage', { 'x-ratelimit-reset-default': 'soon' }, 1000],
    ['http-date retry-after ignored', { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, 1000],
  ])('%s', (_n, headers, want) => {
    expect(rateLimitWaitMs(new Headers(headers), now)).toBe(want);
  });
});
