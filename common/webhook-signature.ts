/**
 * Which presented Cal.com webhook signatures (`X-Cal-Signature-256`) count, decided once (issue 20) for the relay,
 * which verifies on ingest, and the app, which verifies again what the relay forwards — before, the relay accepted a
 * `sha256=` prefix that the app then quarantined. Accepted: the hex HMAC-SHA256 (64 digits, either case), with
 * surrounding whitespace and one optional `sha256=` prefix (any case, as GitHub-style senders and proxies write it).
 * The HMAC and the constant-time compare stay on each side (node:crypto): common/ is shared with the renderer and
 * imports no Node module.
 */

/** The presented signature as 64 lowercase hex digits, or null when it is not an acceptable signature at all. */
export function presentedSignatureHex(header: string | null | undefined): string | null {
  if (typeof header !== 'string') return null;
  const hex = header
    .trim()
    .replace(/^sha256=/i, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}
