/** Time-zone arithmetic on top of Intl (no date library is installed). */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone.length > 0;
  } catch {
    return false;
  }
}

/** Offset of `timeZone` from UTC in minutes at instant `at` (e.g. -360 for Chicago in winter), as dayjs' utcOffset(). */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  const name =
    offsetFormatter(timeZone)
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** The UTC instant of a wall-clock time in `timeZone` (two passes settle DST edges). */
export function zonedToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  let result = guess - utcOffsetMinutes(timeZone, new Date(guess)) * 60_000;
  result = guess - utcOffsetMinutes(timeZone, new Date(result)) * 60_000;
  return new Date(result);
}

/** Calendar date (YYYY-MM-DD) and weekday (0 = Sunday) of an instant in a zone. */
export function localDate(
  at: Date,
  timeZone: string,
): { year: number; month: number; day: number; weekday: number; key: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const year = Number(get('year'));
  const month = Number(get('month'));
  const day = Number(get('day'));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { year, month, day, weekday, key: `${get('year')}-${get('month')}-${get('day')}` };
}

/** `2026-02-17T17:00:00Z`: the dayjs format Cal.com's created/rescheduled payloads use. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2026-02-17T17:00:00+00:00`: the format the cancel path uses (contract §3.9 C). */
export function isoOffset(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Human date and time in a zone, for the HTML pages. */
export function formatInZone(d: Date, timeZone: string, opts: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, ...opts }).format(d);
}
