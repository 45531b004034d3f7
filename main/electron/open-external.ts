/**
 * The rule for handing a URL to the operating system (`shell.openExternal`): https to an allow-listed host,
 * or http to loopback (the sandbox and relay in development). Everything else (file:, javascript:, custom
 * schemes, credentials in the URL, other hosts) is refused, because openExternal with untrusted input can
 * launch programs (Electron security checklist: "Do not use openExternal with untrusted content").
 */

export type OpenExternalDecision = { readonly allowed: true; readonly url: string } | { readonly allowed: false; readonly reason: string };

/** Video-call hosts a booking's meeting link may point to (Cal.com's own video and common integrations). */
export const meetingHosts: readonly string[] = [
  'cal.com',
  'cal.eu',
  'daily.co',
  'zoom.us',
  'meet.google.com',
  'teams.microsoft.com',
  'teams.live.com',
  'whereby.com',
  'webex.com',
  'jit.si',
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_URL_LENGTH = 4096;

/** True when `host` is `domain` or one of its subdomains (dot-anchored: `evilcal.com` is not `cal.com`). */
export function hostMatches(host: string, domain: string): boolean {
  const h = host.toLowerCase();
  const d = domain.toLowerCase().replace(/^\.+/, '');
  return h === d || h.endsWith(`.${d}`);
}

/** Decides whether `raw` may be opened; on success returns the normalized URL to open. */
export function decideOpenExternal(raw: string, allowedHosts: readonly string[]): OpenExternalDecision {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return { allowed: false, reason: 'empty or too long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: 'not a URL' };
  }
  if (url.username !== '' || url.password !== '') return { allowed: false, reason: 'credentials in URL' };
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname) ? { allowed: true, url: url.href } : { allowed: false, reason: 'plain http to a non-loopback host' };
  }
  if (url.protocol !== 'https:') return { allowed: false, reason: `scheme ${url.protocol} not allowed` };
  if (!allowedHosts.some((domain) => hostMatches(url.hostname, domain))) return { allowed: false, reason: `host ${url.hostname} not allowed` };
  return { allowed: true, url: url.href };
}

/** The allow-list for this configuration: Cal.com's and the relay's hosts plus the meeting providers. */
export function allowedHostsFor(urls: readonly string[]): readonly string[] {
  const hosts = new Set(meetingHosts);
  for (const u of urls) {
    try {
      hosts.add(new URL(u).hostname);
    } catch {
      // A malformed configured URL adds nothing; config validation reports it elsewhere.
    }
  }
  return [...hosts];
}

/** The one helper every path uses (window.open, the openExternal API, the core's port). */
export function createOpenExternal(
  open: (url: string) => Promise<void>,
  allowedHosts: readonly string[],
  onRefused: (url: string, reason: string) => void,
): (url: string) => Promise<void> {
  return async (raw) => {
    const decision = decideOpenExternal(raw, allowedHosts);
    if (!decision.allowed) {
      onRefused(raw.slice(0, 200), decision.reason);
      return;
    }
    await open(decision.url);
  };
}
