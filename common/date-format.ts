/**
 * Cached Intl formatters. Building an Intl.DateTimeFormat loads ICU data (tens of microseconds each); the relay's
 * emails and the Bookings list format thousands of times, so each (locale, options) pair is built once.
 */
const MAX_ENTRIES = 1000;

/**
 * A memo by string key, emptied when it reaches `max` entries: the keys (zones, mostly) come from webhook payloads
 * and bookings, so odd inputs must not grow it without end.
 */
export function boundedMemo<V>(build: (key: string) => V, max = MAX_ENTRIES): (key: string) => V {
  const memo = new Map<string, V>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = build(key);
      if (memo.size >= max) memo.clear();
      memo.set(key, value);
    }
    return value;
  };
}

const formatFor = boundedMemo((key) => {
  const at = key.indexOf('|');
  const locale = key.slice(0, at) || undefined;
  return new Intl.DateTimeFormat(locale, JSON.parse(key.slice(at + 1)) as Intl.DateTimeFormatOptions);
});

/**
 * The Intl.DateTimeFormat for these arguments, built on first use. Building the key costs more than a format:
 * callers that format often keep what this returns (per zone) rather than asking per call.
 */
export function dateTimeFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return formatFor(`${locale ?? ''}|${JSON.stringify(options)}`);
}

const knownZone = boundedMemo((timeZone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
});

/** True when Intl knows the IANA zone (attendee zones come from Cal.com and may be odd). */
export function isKnownTimeZone(timeZone: string): boolean {
  return knownZone(timeZone);
}
