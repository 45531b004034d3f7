import { isUtf8 } from 'node:buffer';
import { RELAY_CHANNEL_HEADER, RELAY_REENCODED_HEADER, RELAY_SEQ_HEADER } from '../../common/relay';
import type { StoredEvent } from './store/types';

/**
 * Headers that may reach the top level of a smee `data` object. smee-client turns every top-level key into an
 * HTTP header on its forwarded POST, so this is an allow-list: no hop-by-hop or framing headers, nothing long.
 */
export const STREAM_SAFE_HEADERS = ['content-type', 'x-cal-signature-256', 'x-cal-webhook-version'] as const;
const MAX_HEADER_VALUE = 1024;

/** The `data` keys ahead of the body: the safe headers, the relay's ids, and the re-encoded flag when it applies. */
function payloadHead(event: StoredEvent, reencoded: boolean): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const name of STREAM_SAFE_HEADERS) {
    const v = name === 'content-type' ? event.contentType : event.headers[name];
    if (typeof v === 'string' && v.length <= MAX_HEADER_VALUE && !/[\r\n\0]/.test(v)) data[name] = v;
  }
  data[RELAY_SEQ_HEADER] = String(event.seq);
  data[RELAY_CHANNEL_HEADER] = event.channelId;
  if (reencoded) data[RELAY_REENCODED_HEADER] = 'true';
  return data;
}

/**
 * Whether `body` is the JSON text smee-client will forward for it (JSON.stringify of its parse, `parsed`), byte for
 * byte: then its signature holds at the app. Ingest asks it with the value it parsed to validate the body, so the
 * stream need not parse it again (NewEvent.canonicalJson).
 */
export function isCanonicalJson(body: Buffer, parsed: unknown): boolean {
  try {
    return isUtf8(body) && JSON.stringify(parsed) === body.toString('utf8');
  } catch {
    // Too deep to serialize (events stored before ingest refused such bodies): the stream's own read copes.
    return false;
  }
}

/**
 * The body as smee-client will see it (null when unreadable) and as JSON text, and whether it is re-encoded: smee-client
 * forwards JSON.stringify(JSON.parse(raw)), so the signature holds only when that reproduces the stored bytes.
 */
function readBody(event: StoredEvent): { body: unknown; json: string; reencoded: boolean } {
  const text = event.body.toString('utf8');
  try {
    const body: unknown = JSON.parse(text);
    const json = JSON.stringify(body);
    return { body, json, reencoded: json !== text || !isUtf8(event.body) };
  } catch {
    // Ingest only stores JSON; should a row ever be unreadable, still send a JSON body so smee-client never throws.
    return { body: null, json: 'null', reencoded: true };
  }
}

/** The smee-client `data` object for one stored event. */
export function smeePayload(event: StoredEvent): Record<string, unknown> {
  const { body, reencoded } = readBody(event);
  return { ...payloadHead(event, reencoded), body, query: event.query };
}

/**
 * One default `message` event: `id: <seq>` and single-line JSON data (JSON.stringify never emits raw newlines), the
 * data being JSON.stringify(smeePayload(event)) byte for byte. The body's JSON text is spliced in as made for the
 * re-encoding check instead of being serialized a second time inside the whole object: a stream sends every
 * webhook, and the three passes over the body were ~26 µs per event (issue 18).
 */
export function formatMessage(event: StoredEvent): string {
  // A body ingest found canonical is that text already: parsing and stringifying it again was ~16 µs per event.
  const { json, reencoded } = event.canonicalJson
    ? { json: event.body.toString('utf8'), reencoded: false }
    : readBody(event);
  const head = JSON.stringify(payloadHead(event, reencoded));
  return `id: ${event.seq}\ndata: ${head.slice(0, -1)},"body":${json},"query":${JSON.stringify(event.query)}}\n\n`;
}

/** A named event without an id, so it never moves the client's Last-Event-ID. */
export function formatNamed(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The reconnect delay hint: jittered per connection so a relay restart doesn't cause a synchronized stampede. */
export function formatRetry(minMs = 1000, maxMs = 5000, random: () => number = Math.random): string {
  return `retry: ${Math.round(minMs + random() * (maxMs - minMs))}\n\n`;
}

/** A comment line: ignored by the parser, keeps proxies from closing an idle connection. */
export const HEARTBEAT = ':\n\n';

/** Parses a cursor (Last-Event-ID or ?since=): a non-negative safe integer, else undefined. */
export function parseCursor(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
