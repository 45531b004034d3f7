import { RELAY_CHANNEL_HEADER, RELAY_REENCODED_HEADER, RELAY_SEQ_HEADER } from '../../common/relay';
import type { StoredEvent } from './store/types';

/**
 * Headers that may reach the top level of a smee `data` object. smee-client turns every top-level key into an
 * HTTP header on its forwarded POST, so this is an allow-list: no hop-by-hop or framing headers, nothing long.
 */
export const STREAM_SAFE_HEADERS = ['content-type', 'x-cal-signature-256', 'x-cal-webhook-version'] as const;
const MAX_HEADER_VALUE = 1024;

/** True when smee-client's JSON.stringify(JSON.parse(raw)) would not reproduce the raw bytes (signature breaks). */
export function isReencoded(raw: Buffer, parsed: unknown): boolean {
  return JSON.stringify(parsed) !== raw.toString('utf8') || !Buffer.from(raw.toString('utf8'), 'utf8').equals(raw);
}

/** The smee-client `data` object for one stored event. */
export function smeePayload(event: StoredEvent): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const name of STREAM_SAFE_HEADERS) {
    const v = name === 'content-type' ? event.contentType : event.headers[name];
    if (typeof v === 'string' && v.length <= MAX_HEADER_VALUE && !/[\r\n\0]/.test(v)) data[name] = v;
  }
  data[RELAY_SEQ_HEADER] = String(event.seq);
  data[RELAY_CHANNEL_HEADER] = event.channelId;
  let body: unknown = null;
  let reencoded = true;
  try {
    body = JSON.parse(event.body.toString('utf8'));
    reencoded = isReencoded(event.body, body);
  } catch {
    // Ingest only stores JSON; should a row ever be unreadable, still send a JSON body so smee-client never throws.
  }
  if (reencoded) data[RELAY_REENCODED_HEADER] = 'true';
  data.body = body;
  data.query = event.query;
  return data;
}

/** One default `message` event: `id: <seq>` and single-line JSON data (JSON.stringify never emits raw newlines). */
export function formatMessage(event: StoredEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(smeePayload(event))}\n\n`;
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
