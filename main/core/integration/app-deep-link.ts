import { APP_SCHEME, DEV_APP_SCHEME } from '../../../common/deep-link';

/** An app deep link other than the OAuth callback (e.g. `lifescore://bookings/<uid>` from an email). */
export type AppDeepLink = { readonly kind: 'open-booking'; readonly uid: string } | { readonly kind: 'other' };

const UID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** Parses `lifescore://bookings/<uid>` (and the dev scheme) strictly; anything else is `other`. */
export function parseAppDeepLink(raw: string): AppDeepLink {
  if (raw.length > 2048) return { kind: 'other' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { kind: 'other' };
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== APP_SCHEME && scheme !== DEV_APP_SCHEME) return { kind: 'other' };
  if (url.username || url.password || url.port || url.host !== 'bookings' || url.search || url.hash)
    return { kind: 'other' };
  const uid = url.pathname.replace(/^\//, '');
  return UID_PATTERN.test(uid) ? { kind: 'open-booking', uid } : { kind: 'other' };
}
