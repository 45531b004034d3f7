import { parseUrl } from './whatwg-url';

/**
 * What the app may hand to the system browser — one rule for the renderer (which links become buttons, what a
 * browser-host tab opens), main/core (the `openExternal` API) and main/electron (the last gate before
 * `shell.openExternal`). Until issue 20 the Electron glue also required an allow-listed host and refused others
 * silently, so a meeting on a host the renderer accepted showed a Join button that did nothing. The choice:
 * - https to any host: meeting links name whatever video app or link the consultant set up in Cal.com; opening an
 *   https page in the user's browser is what the same link in the booking email does anyway;
 * - http only to this computer's loopback (the Cal.com sandbox, the relay and the browser host in development);
 * - never credentials in the URL, never another scheme (file:, javascript:, smb: or a custom protocol can launch
 *   programs — Electron security checklist, "Do not use openExternal with untrusted content"), never over
 *   4096 characters (the glue's old sanity limit; no real link comes near it).
 */
export type ExternalUrlDecision =
  { readonly allowed: true; readonly url: string } | { readonly allowed: false; readonly reason: string };

/** What a refusal says to the consultant, whichever process refused. */
export const EXTERNAL_URL_REFUSED = 'Only https links (or this computer’s own pages) can be opened.';

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_URL_LENGTH = 4096;

/** Decides whether `raw` may be opened; on success returns the normalized URL to open. */
export function decideExternalUrl(raw: string): ExternalUrlDecision {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH)
    return { allowed: false, reason: 'empty or too long' };
  const url = parseUrl(raw);
  if (!url) return { allowed: false, reason: 'not a URL' };
  if (url.username !== '' || url.password !== '') return { allowed: false, reason: 'credentials in URL' };
  if (url.protocol === 'https:') return { allowed: true, url: url.href };
  if (url.protocol !== 'http:') return { allowed: false, reason: `scheme ${url.protocol} not allowed` };
  return LOOPBACK_HOSTS.has(url.hostname)
    ? { allowed: true, url: url.href }
    : { allowed: false, reason: 'plain http to a non-loopback host' };
}

/** Whether `raw` may be opened outside the app. */
export function isAllowedExternal(raw: string): boolean {
  return decideExternalUrl(raw).allowed;
}

/** The URL to offer as a link or button, or null when the policy refuses it (then it is shown as text at most). */
export function openableUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const decision = decideExternalUrl(raw);
  return decision.allowed ? decision.url : null;
}
