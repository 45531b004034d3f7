import { describe, expect, it } from 'vitest';
import { dateTimeFormat, isKnownTimeZone } from './date-format';

describe('dateTimeFormat', () => {
  it('returns the same formatter for the same arguments, and formats like a fresh one', () => {
    const options = { timeZone: 'America/Chicago', hour: 'numeric', minute: '2-digit' } as const;
    const a = dateTimeFormat('en-US', options);
    expect(dateTimeFormat('en-US', { ...options })).toBe(a);
    expect(a.format(Date.UTC(2026, 1, 17, 17, 0))).toBe(
      new Intl.DateTimeFormat('en-US', options).format(Date.UTC(2026, 1, 17, 17, 0)),
    );
    expect(dateTimeFormat('en-US', { ...options, timeZone: 'Asia/Tokyo' })).not.toBe(a);
  });

  it('throws for an unknown zone, as Intl does (callers check isKnownTimeZone first)', () => {
    expect(() => dateTimeFormat('en-US', { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('isKnownTimeZone', () => {
  it.each([
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('%s → %s', (zone, known) => {
    expect(isKnownTimeZone(zone)).toBe(known);
  });
});
