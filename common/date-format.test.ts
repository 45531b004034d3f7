import { describe, expect, it } from 'vitest';
import { boundedMemo, dateTimeFormat, isKnownTimeZone } from './date-format';

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

describe('boundedMemo', () => {
  it('builds each key once, and starts over when it holds max entries (payload keys cannot grow it without end)', () => {
    const built: string[] = [];
    const memo = boundedMemo((key) => {
      built.push(key);
      return { key };
    }, 2);
    const a = memo('a');
    expect(memo('a')).toBe(a);
    memo('b');
    expect(built).toEqual(['a', 'b']);
    memo('c'); // full: emptied, then c kept
    expect(memo('c')).toEqual({ key: 'c' });
    expect(memo('a')).not.toBe(a);
    expect(built).toEqual(['a', 'b', 'c', 'a']);
  });

  it('keeps nothing for a key whose build threw', () => {
    let calls = 0;
    const memo = boundedMemo(() => {
      calls++;
      throw new RangeError('no such zone');
    });
    expect(() => memo('Mars/Olympus')).toThrow(RangeError);
    expect(() => memo('Mars/Olympus')).toThrow(RangeError);
    expect(calls).toBe(2);
  });
});
