import type { OutboxMessage, OutboxRow } from './outbox-store';

/**
 * A minimal RFC 5322 / MIME writer for the relay's own emails (issue 18): nodemailer's composer streamed every part
 * through several Transform streams and was most of the mail thread's time. The shape is fixed (text + HTML
 * alternatives, an optional text/calendar attachment), all parts UTF-8 in base64, lines CRLF and ≤ 76 characters,
 * non-ASCII header text as RFC 2047 encoded-words. mime.test.ts parses the output with mailparser.
 */

export interface ComposedMessage {
  readonly raw: Buffer;
  readonly envelope: { readonly from: string; readonly to: string[] };
  readonly messageId: string;
}

const NON_ASCII_OR_CONTROL = /[^\x20-\x7e]/;

/** Header text: as is when printable ASCII, else an encoded-word (split so each stays within 75 characters). */
function headerText(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  if (!NON_ASCII_OR_CONTROL.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  // ≤ 45 bytes per word: its base64 (60 chars) + "=?UTF-8?B??=" (12) stays within 75.
  for (const ch of clean) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** `"Name" <address>` with the name quoted or encoded; the address is kept to its safe characters. */
function mailbox(p: { readonly name: string; readonly address: string }): string {
  const address = p.address.replace(/[\s<>"]/g, '');
  const name = p.name.replace(/[\r\n]+/g, ' ').trim();
  if (!name) return `<${address}>`;
  if (NON_ASCII_OR_CONTROL.test(name)) return `${headerText(name)} <${address}>`;
  return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}" <${address}>`;
}

/** The address part of a From setting such as `"LifeScore" <no-reply@example.com>` or a bare address. */
export function addressOf(from: string): string {
  return (/<([^<>\s]+)>\s*$/.exec(from)?.[1] ?? from).trim();
}

/** A From setting as a header: kept when it is already `Name <address>` ASCII; else built from its address. */
function fromHeader(from: string): string {
  const clean = from.replace(/[\r\n]+/g, ' ').trim();
  return NON_ASCII_OR_CONTROL.test(clean) ? `<${addressOf(clean)}>` : clean;
}

/** base64 in 76-character lines (RFC 2045 §6.8). */
function base64Lines(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date-time in UTC: `Thu, 03 Dec 2026 06:00:00 +0000`. */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** The complete message of one job: headers, text and HTML alternatives, and the invite when there is one. */
export function composeMime(
  row: Pick<OutboxRow, 'key' | 'kind'>,
  m: OutboxMessage,
  from: string,
  dateMs: number,
): ComposedMessage {
  const messageId = `<${row.key.slice(0, 40)}@lifescore-relay>`;
  const boundary = `=_ls_${row.key.slice(0, 24)}`;
  const alt = `${boundary}_alt`;
  const headers = [
    `From: ${fromHeader(from)}`,
    `To: ${mailbox(m.to)}`,
    ...(m.replyTo ? [`Reply-To: ${mailbox(m.replyTo)}`] : []),
    `Subject: ${headerText(m.subject)}`,
    `Message-ID: ${messageId}`,
    `Date: ${rfc5322Date(dateMs)}`,
    'MIME-Version: 1.0',
    'Auto-Submitted: auto-generated',
    'X-Auto-Response-Suppress: All',
    `X-LifeScore-Kind: ${row.kind}`,
  ];
  const alternative = [
    `--${alt}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(m.text),
    `--${alt}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(m.html),
    `--${alt}--`,
  ];
  let body: string[];
  if (m.ics) {
    const name = m.ics.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics';
    body = [
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      `Content-Type: multipart/alternative; boundary="${alt}"`,
      '',
      ...alternative,
      `--${boundary}`,
      `Content-Type: text/calendar; charset=utf-8; method=${m.ics.method}; name="${name}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${name}"`,
      '',
      base64Lines(m.ics.content),
      `--${boundary}--`,
    ];
  } else {
    body = [`Content-Type: multipart/alternative; boundary="${alt}"`, '', ...alternative];
  }
  const raw = Buffer.from(`${[...headers, ...body].join('\r\n')}\r\n`, 'utf8');
  return { raw, envelope: { from: addressOf(from), to: [m.to.address.trim()] }, messageId };
}
