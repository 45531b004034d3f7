/** Dates for people: Intl.DateTimeFormat with an IANA zone (built into Node's ICU; no date library needed). */
import { boundedMemo, dateTimeFormat, isKnownTimeZone } from '../../../common/date-format';

/** The zone if Intl knows it, else UTC (a payload with a bad zone must still produce a readable email). */
export function safeTimeZone(timeZone: string | undefined): string {
  return timeZone && isKnownTimeZone(timeZone) ? timeZone : 'UTC';
}

export interface TimeStyle {
  readonly timeZone: string;
  /** Cal.com's organizer.timeFormat 'HH:mm' means a 24-hour clock. */
  readonly hour12: boolean;
}

/**
 * The formatters one style needs, built once per (zone, clock): every email formats its times several times over,
 * and the options spread plus cache key of a lookup per call cost more than the formatting (issue 18, mail thread).
 */
interface StyleFormats {
  readonly day: Intl.DateTimeFormat;
  readonly clock: Intl.DateTimeFormat;
  readonly zone: Intl.DateTimeFormat;
  readonly short: Intl.DateTimeFormat;
}
const formatsByKey = boundedMemo((key): StyleFormats => {
  const timeZone = key.slice(2);
  const f = (options: Intl.DateTimeFormatOptions) =>
    dateTimeFormat('en-US', { timeZone, hour12: key.startsWith('1'), ...options });
  return {
    day: f({ year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }),
    clock: f({ hour: 'numeric', minute: '2-digit' }),
    zone: f({ timeZoneName: 'short' }),
    short: f({
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }),
  };
});
const formatsOf = (style: TimeStyle) => formatsByKey(`${style.hour12 ? 1 : 0}|${safeTimeZone(style.timeZone)}`);

const dayOf = (ms: number, style: TimeStyle) => formatsOf(style).day.format(ms);
const clock = (ms: number, style: TimeStyle) => formatsOf(style).clock.format(ms);
const zoneName = (ms: number, style: TimeStyle) =>
  formatsOf(style)
    .zone.formatToParts(ms)
    .find((p) => p.type === 'timeZoneName')?.value ?? '';

/** "Tuesday, February 17, 2026, 12:00 PM – 1:00 PM EST (America/New_York)"; a range over midnight names both days. */
export function formatRange(startMs: number, endMs: number, style: TimeStyle): string {
  const zone = `${zoneName(startMs, style)} (${safeTimeZone(style.timeZone)})`;
  const startDay = dayOf(startMs, style);
  const endDay = dayOf(endMs, style);
  const end = startDay === endDay ? clock(endMs, style) : `${endDay}, ${clock(endMs, style)}`;
  return `${startDay}, ${clock(startMs, style)} – ${end} ${zone}`;
}

/** "Tue, Feb 17, 12:00 PM EST": short enough for a subject line. */
export function formatShort(ms: number, style: TimeStyle): string {
  return formatsOf(style).short.format(ms);
}

/** "30 minutes", "1 hour", "1 hour 30 minutes". */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const mins = `${m} minute${m === 1 ? '' : 's'}`;
  if (h === 0) return mins;
  const hours = `${h} hour${h === 1 ? '' : 's'}`;
  return m === 0 ? hours : `${hours} ${mins}`;
}
