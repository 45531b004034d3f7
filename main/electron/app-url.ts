/**
 * Where the renderer lives: `app://renderer/` in a built app (a privileged custom scheme instead of file://,
 * Electron security checklist #18), or the electron-vite dev server URL during `electron-vite dev`.
 */
export const APP_PROTOCOL = 'app';
export const APP_HOST = 'renderer';
export const APP_INDEX_URL = `${APP_PROTOCOL}://${APP_HOST}/index.html`;

/**
 * True when `url` belongs to the renderer at `base` (same scheme, host and port). Compared field by field:
 * WHATWG URL gives custom schemes an opaque origin ("null"), so comparing `origin` would accept any app:// URL.
 */
export function isSameAppUrl(url: string | undefined, base: string): boolean {
  if (!url) return false;
  let a: URL;
  let b: URL;
  try {
    a = new URL(url);
    b = new URL(base);
  } catch {
    return false;
  }
  return a.protocol === b.protocol && a.host === b.host && a.host !== '' && a.username === '' && a.password === '';
}
