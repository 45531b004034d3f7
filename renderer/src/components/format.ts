/** Date and time formatting with the platform's Intl (no hand-rolled calendars), always in an explicit zone. */
import { boundedMemo, dateTimeFormat, isKnownTimeZone } from '../../../common/date-format';

const locale = undefined; // the consultant's own locale

/** "Tue 3 Dec" in the given zone; the year only when it is not this year. */
export function formatDate(iso: string, timeZone: string): string {
  const date = new Date(iso);
  const f = zoneFormats(timeZone);
  return (f.year.format(date) === thisYear(f) ? f.date : f.dateWithYear).format(date);
}

/**
 * The formatters one zone needs, looked up once per zone rather than per call: lists format a date per row, and
 * building the cache key for each lookup costs more than the formatting itself.
 */
interface ZoneFormats {
  readonly year: Intl.DateTimeFormat;
  readonly date: Intl.DateTimeFormat;
  readonly dateWithYear: Intl.DateTimeFormat;
  readonly time: Intl.DateTimeFormat;
  readonly zone: Intl.DateTimeFormat;
  thisYear: string;
  thisYearUntil: number;
}
// Zones come from the consultant's settings and bookings: a handful, but bounded like common/date-format's.
const zoneFormats = boundedMemo(
  (timeZone): ZoneFormats => ({
    year: dateTimeFormat('en', { year: 'numeric', timeZone }),
    date: dateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone }),
    dateWithYear: dateTimeFormat(locale, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone,
    }),
    time: dateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone }),
    zone: dateTimeFormat(locale, { timeZone, timeZoneName: 'short' }),
    thisYear: '',
    thisYearUntil: 0,
  }),
  100,
);

/** This year in the zone, worked out at most once a minute (the list formats a date per row). */
function thisYear(f: ZoneFormats): string {
  const now = Date.now();
  // Also when the clock went back (a corrected clock, a test's fake time).
  if (now >= f.thisYearUntil || now < f.thisYearUntil - 60_000) {
    f.thisYear = f.year.format(now);
    f.thisYearUntil = now + 60_000;
  }
  return f.thisYear;
}

/** "14:30" (or "2:30 PM") in the given zone. */
export function formatTime(iso: string, timeZone: string): string {
  return zoneFormats(timeZone).time.format(new Date(iso));
}

/** "Tue 3 Dec 2026, 14:30 – 15:30 CET". */
export function formatRange(startIso: string, endIso: string, timeZone: string): string {
  return `${formatDate(startIso, timeZone)}, ${formatTime(startIso, timeZone)} – ${formatTime(endIso, timeZone)} ${zoneName(startIso, timeZone)}`;
}

/** The short name of a zone at an instant ("CET", "GMT+2"); falls back to the IANA name. */
export function zoneName(iso: string, timeZone: string): string {
  try {
    const part = zoneFormats(timeZone)
      .zone.formatToParts(new Date(iso))
      .find((p) => p.type === 'timeZoneName');
    return part?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** True when a zone name is one this browser knows (attendee zones come from Cal.com and may be odd). */
export function isKnownZone(timeZone: string): boolean {
  return isKnownTimeZone(timeZone);
}

/** "3 minutes ago", "in 2 days". */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86_400), 'day');
}

/** "Tue 3 Dec 2026, 14:30" for timestamps such as "connected since". */
export function formatStamp(iso: string, timeZone: string): string {
  return `${formatDate(iso, timeZone)}, ${formatTime(iso, timeZone)}`;
}
