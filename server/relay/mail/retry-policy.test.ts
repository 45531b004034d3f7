import { describe, expect, it } from 'vitest';
import { describeError, isPermanent, retryDelay } from './retry-policy';

const smtpErr = (responseCode: number | undefined, code = 'EENVELOPE') =>
  Object.assign(new Error('x'), { responseCode, code });

describe('isPermanent', () => {
  it.each([
    [smtpErr(550), true],
    [smtpErr(554, 'EMESSAGE'), true],
    [smtpErr(553), true],
    [smtpErr(421, 'EPROTOCOL'), false],
    [smtpErr(450), false],
    [smtpErr(452), false],
    [smtpErr(535, 'EAUTH'), false],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }), false],
    [Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), false],
    [new Error('ENOSPC'), false],
    [undefined, false],
  ])('%#', (err, permanent) => expect(isPermanent(err)).toBe(permanent));
});

describe('retryDelay', () => {
  const opts = { baseMs: 1000, maxMs: 60_000, giveUpAfterMs: 1 };
  it('doubles per attempt within [exp/2, exp], capped', () => {
    expect([0, 1, 2, 3].map((a) => retryDelay(a, opts, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((a) => retryDelay(a, opts, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(40, opts, () => 1)).toBe(60_000);
    expect(retryDelay(40, opts, () => 0)).toBe(30_000);
  });
});

describe('describeError', () => {
  it('keeps code, status and server response on one line', () => {
    expect(
      describeError(
        Object.assign(new Error("Can't send"), {
          code: 'EENVELOPE',
          responseCode: 550,
          response: '550 No such\r\n user',
        }),
      ),
    ).toBe('EENVELOPE 550 550 No such user');
    expect(describeError(undefined)).toBe('unknown error');
  });
});
