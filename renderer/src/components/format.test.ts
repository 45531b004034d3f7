import { describe, expect, it } from 'vitest';
import { formatDate, formatTime } from './format';

describe('formatDate', () => {
  it('leaves out the year for this year, in the given zone', () => {
    const now = new Date();
    const year = String(now.getUTCFullYear());
    const midYear = new Date(Date.UTC(now.getUTCFullYear(), 5, 15, 12)).toISOString();
    expect(formatDate(midYear, 'UTC')).not.toContain(year);
    expect(formatDate('2001-06-15T12:00:00Z', 'UTC')).toContain('2001');
    expect(formatDate('2001-06-15T12:00:00Z', 'UTC')).toBe(
      new Intl.DateTimeFormat(undefined, {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      }).format(new Date('2001-06-15T12:00:00Z')),
    );
  });

  it('reads the year in the zone, not in UTC', () => {
    // 23:30 UTC on 31 December 2001 is already 2002 fourteen hours east.
    expect(formatDate('2001-12-31T23:30:00Z', 'UTC')).toContain('2001');
    expect(formatDate('2001-12-31T23:30:00Z', 'Pacific/Kiritimati')).toContain('2002');
  });

  it('throws for a zone Intl does not know, as Intl does', () => {
    expect(() => formatDate('2001-06-15T12:00:00Z', 'Not/AZone')).toThrow(RangeError);
  });
});

describe('formatTime', () => {
  it('formats the time of day in the zone', () => {
    const iso = '2001-06-15T12:05:00Z';
    expect(formatTime(iso, 'America/New_York')).toBe(
      new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'America/New_York' }).format(
        new Date(iso),
      ),
    );
  });
});
