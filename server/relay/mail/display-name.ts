/**
 * Names in headers and subjects are whatever a booker typed (security review 42: a 1,500-character name made
 * Reply-To and Subject lines too long for strict servers, which may reject the message for good). 100 characters
 * is far beyond any real name, and a shortened one ends with '…' so the reader sees it was cut.
 */
export const MAX_NAME_CHARS = 100;

/** The name cut to MAX_NAME_CHARS characters (code points, so no surrogate pair is split), '…' included. */
export function capName(name: string): string {
  const chars = Array.from(name);
  return chars.length <= MAX_NAME_CHARS ? name : `${chars.slice(0, MAX_NAME_CHARS - 1).join('')}…`;
}

/**
 * Longest address put into a header: its own folded line must stay within RFC 5322's 998 octets. Far past what
 * SMTP allows (RFC 5321: 256-octet paths), so no deliverable address is refused.
 */
export const MAX_HEADER_ADDRESS_OCTETS = 900;

/** Whether an address can be written into a To or Reply-To line at all. */
export function fitsHeader(address: string): boolean {
  return Buffer.byteLength(address.trim()) <= MAX_HEADER_ADDRESS_OCTETS;
}
