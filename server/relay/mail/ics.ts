import type { BookingFacts } from './email-booking-facts';

/**
 * The invite as iCalendar text (RFC 5545, with RFC 5546 iTIP methods): REQUEST for a new or moved booking, CANCEL for
 * a cancelled one. UID is Cal.com's iCalUID, which stays the same across a reschedule, so calendars move the event
 * instead of adding a second one; SEQUENCE is Cal.com's iCalSequence, which increases with every change.
 *
 * Written directly rather than through ical-generator (issue 18): its line folding encoded every character with
 * TextEncoder and cost ~0.6 ms per invite, more than the rest of an email. The output has the same properties,
 * parameters and order as ical-generator 10 produced (ics.test.ts parses both with ical.js and compares them).
 *
 * The booker's notes go into the consultant's copy only (security review 42): in the attendee's copy they would be
 * booker-written text in an invite that looks like it came from the consultant.
 */
export function buildIcs(
  f: BookingFacts,
  method: 'REQUEST' | 'CANCEL',
  stampMs: number,
  audience: 'organizer' | 'attendee',
): string {
  const notes = audience === 'organizer' ? f.notes : undefined;
  const description = [f.meetingUrl ? `Join: ${f.meetingUrl}` : undefined, notes].filter(Boolean).join('\n\n');
  const location = f.meetingUrl ?? f.location;
  const cancel = method === 'CANCEL';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//LifeScore//Relay//EN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${text(f.icalUid)}`,
    `SEQUENCE:${Math.max(0, Math.trunc(f.icalSequence))}`,
    `DTSTAMP:${utc(stampMs)}`,
    `DTSTART:${utc(f.startMs)}`,
    `DTEND:${utc(f.endMs)}`,
    `SUMMARY:${text(`${f.eventTitle}: ${f.organizer.name} and ${f.attendees.map((a) => a.name).join(', ')}`)}`,
    ...(location ? [`LOCATION:${text(location)}`] : []),
    ...(description ? [`DESCRIPTION:${text(description)}`] : []),
    `ORGANIZER;CN=${param(f.organizer.name)}:mailto:${uriText(f.organizer.email)}`,
    ...f.attendees.map(
      (a) =>
        `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=${cancel ? 'DECLINED' : 'ACCEPTED'};CN=${param(a.name)}:MAILTO:${uriText(a.email)}`,
    ),
    ...(f.meetingUrl ? [`URL;VALUE=URI:${uriText(f.meetingUrl)}`] : []),
    `STATUS:${cancel ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** 20260217T170000Z */
function utc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Control characters other than newline have no place in a content line (RFC 5545 §3.1). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/g;

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, newlines as \n. */
function text(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n');
}

/** A URI or CAL-ADDRESS value: no escaping exists for these, so only characters that would break the line go. */
function uriText(value: string): string {
  return value.replace(/[\r\n]/g, '').replace(CONTROL, '');
}

/** A parameter value (CN): always a quoted-string, which may not contain DQUOTE or controls (RFC 5545 §3.1). */
function param(value: string): string {
  return `"${value
    .replace(/[\r\n]/g, ' ')
    .replace(CONTROL, '')
    .replace(/"/g, "'")}"`;
}

/**
 * Folds a content line to at most 75 octets per physical line (RFC 5545 §3.1), continuation lines starting with one
 * space, never splitting a UTF-8 sequence (or a surrogate pair). Most lines are short ASCII and return at once.
 */
export function fold(line: string): string {
  if (line.length <= 75 && Buffer.byteLength(line) <= 75) return line;
  const out: string[] = [];
  let start = 0;
  let octets = 0;
  let limit = 75;
  for (let i = 0; i < line.length;) {
    const cp = line.codePointAt(i) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    const width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (octets + width > limit) {
      out.push(line.slice(start, i));
      start = i;
      octets = 0;
      limit = 74; // the leading space counts
    }
    octets += width;
    i += units;
  }
  out.push(line.slice(start));
  return out.join('\r\n ');
}
