import type { Booking } from '../../../common/booking';

const columns: readonly [string, (b: Booking) => string | number | null][] = [
  ['uid', (b) => b.uid],
  ['status', (b) => b.status],
  ['start (UTC)', (b) => b.startTime],
  ['end (UTC)', (b) => b.endTime],
  ['duration (min)', (b) => b.duration],
  ['title', (b) => b.title],
  ['attendee', (b) => b.attendee.name],
  ['email', (b) => b.attendee.email],
  ['attendee time zone', (b) => b.attendee.timeZone],
  ['meeting link', (b) => b.meetingUrl],
  ['location', (b) => b.location],
  ['notes', (b) => b.description],
  ['cancellation reason', (b) => b.cancellationReason],
  ['rescheduled from', (b) => b.rescheduledFrom],
  ['rescheduled to', (b) => b.rescheduledTo],
  ['created (UTC)', (b) => b.createdAt],
];

/**
 * One CSV field (RFC 4180 quoting). Values starting with = + - @ get a leading apostrophe so a spreadsheet
 * does not run an attendee's "name" as a formula (CSV injection).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The bookings as a CSV document with a header row (CRLF line ends, as spreadsheets expect). */
export function bookingsToCsv(bookings: readonly Booking[]): string {
  const header = columns.map(([name]) => csvField(name)).join(',');
  const rows = bookings.map((b) => columns.map(([, get]) => csvField(get(b))).join(','));
  return [header, ...rows].join('\r\n') + '\r\n';
}
