import { capName, fitsHeader } from './display-name';
import type { OutboxMessage, OutboxRow } from './outbox-store';

/**
 * A minimal RFC 5322 / MIME writer for the relay's own emails (issue 18): nodemailer's composer streamed every part
 * through several Transform streams and was most of the mail thread's time. The shape is fixed (text + HTML
 * alternatives, an optional text/calendar attachment), all parts UTF-8 in base64, lines CRLF and ≤ 76 characters,
 * header lines folded (≤ 78 characters but for a long address, never over 998 octets), non-ASCII header text as RFC
 * 2047 encoded-words. mime.test.ts parses the output with mailparser.
 */

export interface ComposedMessage {
  readonly raw: Buffer;
  readonly envelope: { readonly from: string; readonly to: string[] };
  readonly messageId: string;
}

const NON_ASCII_OR_CONTROL = /[^\x20-\x7e]/;

/**
 * RFC 5322 §2.1.1: lines SHOULD stay within 78 characters and MUST within 998. Booker-written names and subjects
 * are folded or encoded to the 78 (security review 42: a 1,500-character name gave lines a strict server may refuse
 * for good); only an address, which cannot be split, may take a longer line of its own (display-name.ts bounds it).
 */
const FOLD_AT = 78;

/** Text as RFC 2047 encoded-words, each within 75 characters, on lines of their own. */
function encodedWords(value: string): string {
  const words: string[] = [];
  let chunk = '';
  // ≤ 42 bytes per word: its base64 (56 chars) + "=?UTF-8?B??=" (12) is 68, so even after "Reply-To: " the
  // line stays within 78.
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 42) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/**
 * Folds printable ASCII before spaces (RFC 5322 §2.2.3), so unfolding gives the text back exactly; undefined when
 * a word is too long for a 78-character line.
 */
function foldAtSpaces(line: string): string | undefined {
  if (line.length <= FOLD_AT) return line;
  const lines: string[] = [];
  let current = '';
  for (const token of line.match(/ *[^ ]+| +$/g) ?? []) {
    // A line of spaces only is not allowed, so a fold goes only before a space that leads a word.
    if (current && current.length + token.length > FOLD_AT && /^ +[^ ]/.test(token)) {
      lines.push(current);
      current = token;
    } else {
      current += token;
    }
  }
  lines.push(current);
  return lines.every((l) => l.length <= FOLD_AT) ? lines.join('\r\n') : undefined;
}

/** An unstructured header (Subject): folded at spaces when printable ASCII allows, else encoded-words. */
function unstructured(field: string, value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  const folded = NON_ASCII_OR_CONTROL.test(clean) ? undefined : foldAtSpaces(`${field}: ${clean}`);
  return folded ?? `${field}: ${encodedWords(clean)}`;
}

/**
 * `Field: "Name" <address>`: the name capped (display-name.ts), quoted when it is short printable ASCII, else
 * encoded-words; the address on a folded line of its own when the whole does not fit one line.
 */
function mailbox(field: string, p: { readonly name: string; readonly address: string }): string {
  const address = p.address.replace(/[\s<>"]/g, '');
  if (!fitsHeader(address)) throw new Error(`${field} address too long for a header line`);
  const name = capName(p.name.replace(/[\r\n]+/g, ' ').trim());
  if (!name) return `${field}: <${address}>`;
  const quoted = `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const phrase =
    !NON_ASCII_OR_CONTROL.test(name) && field.length + 2 + quoted.length <= FOLD_AT ? quoted : encodedWords(name);
  const line = `${field}: ${phrase} <${address}>`;
  const last = line.slice(line.lastIndexOf('\n') + 1);
  return Buffer.byteLength(last) <= FOLD_AT ? line : `${field}: ${phrase}\r\n <${address}>`;
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
    mailbox('To', m.to),
    // A reply address too long for a header is left out rather than losing the whole email.
    ...(m.replyTo && fitsHeader(m.replyTo.address) ? [mailbox('Reply-To', m.replyTo)] : []),
    unstructured('Subject', m.subject),
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
      `Content-Type: multipart/mixed;\r\n boundary="${boundary}"`,
      '',
      `--${boundary}`,
      `Content-Type: multipart/alternative;\r\n boundary="${alt}"`,
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
    body = [`Content-Type: multipart/alternative;\r\n boundary="${alt}"`, '', ...alternative];
  }
  const raw = Buffer.from(`${[...headers, ...body].join('\r\n')}\r\n`, 'utf8');
  return { raw, envelope: { from: addressOf(from), to: [m.to.address.trim()] }, messageId };
}
