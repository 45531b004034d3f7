import type { WebContents } from 'electron';
import { isSameAppUrl } from './app-url';

/** Only the clipboard write behind the Copy buttons, and only from our own page; everything else is refused. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** A navigation stays in the window only when it reloads our own renderer. */
export function decideNavigation(url: string, appBase: string): 'allow' | 'deny' {
  return isSameAppUrl(url, appBase) ? 'allow' : 'deny';
}

/** Permission requests (camera, notifications, geolocation, …) are denied unless listed above and from us. */
export function decidePermission(permission: string, requestingUrl: string | undefined, appBase: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isSameAppUrl(requestingUrl, appBase);
}

export interface NavigationGuardDeps {
  /** The renderer's base URL (app://renderer/ or the dev server). */
  readonly appBase: string;
  /** The policy-checked openExternal helper (open-external.ts); it refuses anything the policy does not allow. */
  readonly openExternal: (url: string) => Promise<void>;
  readonly onBlocked?: (what: string, url: string) => void;
}

/**
 * Locks a webContents down: no navigation away from the app, no new windows, no webviews, no permissions.
 * A link the external-URL policy allows (a booking page, a meeting) goes to the system browser instead.
 */
export function installNavigationGuard(contents: WebContents, deps: NavigationGuardDeps): void {
  const external = (url: string) => void deps.openExternal(url).catch(() => undefined);

  contents.on('will-navigate', (event, url) => {
    if (decideNavigation(url, deps.appBase) === 'allow') return;
    event.preventDefault();
    deps.onBlocked?.('navigation', url);
    external(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (decideNavigation(url, deps.appBase) === 'allow') return;
    event.preventDefault();
    deps.onBlocked?.('redirect', url);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    deps.onBlocked?.('webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    deps.onBlocked?.('window.open', url);
    external(url);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl, deps.appBase));
  });
  contents.session.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    decidePermission(permission, requestingOrigin, deps.appBase),
  );
}
