/**
 * Cached Intl formatters. Building an Intl.DateTimeFormat loads ICU data (tens of microseconds each); the relay's
 * emails and the Bookings list format thousands of times, so each (locale, options) pair is built once.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
const zones = new Map<string, boolean>();
const MAX_ENTRIES = 1000;

/** The Intl.DateTimeFormat for these arguments, built on first use. */
export function dateTimeFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    // Zones come from webhook payloads: bound the cache so odd inputs cannot grow it without end.
    if (formats.size >= MAX_ENTRIES) formats.clear();
    formats.set(key, format);
  }
  return format;
}

/** True when Intl knows the IANA zone (attendee zones come from Cal.com and may be odd). */
export function isKnownTimeZone(timeZone: string): boolean {
  let known = zones.get(timeZone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      known = true;
    } catch {
      known = false;
    }
    if (zones.size >= MAX_ENTRIES) zones.clear();
    zones.set(timeZone, known);
  }
  return known;
}
