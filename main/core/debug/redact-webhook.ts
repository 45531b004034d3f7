/**
 * Redaction of webhook bodies for Settings → Diagnostics in debug mode (issue 19). Allow-list: a string survives only
 * under a key known to hold no personal data (ids, times, statuses, slugs); every other string becomes "[redacted]".
 * Numbers and booleans stay (ids, lengths, flags). So a field Cal.com adds tomorrow is redacted until listed here.
 */
const SAFE_STRING_KEYS = new Set([
  'triggerEvent',
  'createdAt',
  'type',
  'uid',
  'bookingUid',
  'rescheduleUid',
  'fromReschedule',
  'startTime',
  'endTime',
  'rescheduleStartTime',
  'rescheduleEndTime',
  'status',
  'timeZone',
  'locale',
  'timeFormat',
  'currency',
  'bookerUrl',
  'schedulingType',
  'version',
  'iCalUID',
  'label',
  'eventTitle',
  'appName',
  'recurringEventId',
]);

export const REDACTED = '[redacted]';

/** The redacted copy of a parsed webhook body. */
export function redactWebhookValue(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (SAFE_STRING_KEYS.has(key)) return value;
    // Cal.com's location is either an app ("integrations:daily") or free text (an address, a phone): keep only the app.
    if (key === 'location' && /^integrations:[a-z_]+$/.test(value)) return value;
    return value === '' ? '' : REDACTED;
  }
  if (Array.isArray(value)) return value.map((v) => redactWebhookValue(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactWebhookValue(v, k)]));
  }
  return value;
}

/** Redacts raw body bytes: parsed and redacted when JSON, else only its size. */
export function redactWebhookBody(raw: Buffer | string): string {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  try {
    return JSON.stringify(redactWebhookValue(JSON.parse(text)), null, 2);
  } catch {
    return `(not JSON, ${Buffer.byteLength(text)} bytes)`;
  }
}
