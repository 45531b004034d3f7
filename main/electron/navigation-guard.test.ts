import type { WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL } from './app-url';
import { decideNavigation, decidePermission, installNavigationGuard } from './navigation-guard';

type Listener = (event: { preventDefault(): void }, url: string) => void;

/** The parts of WebContents the guard touches, recorded so the test can fire them. */
function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  let permissionRequest:
    ((wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void) | undefined;
  let permissionCheck: ((wc: unknown, p: string, origin: string) => boolean) | undefined;
  const contents = {
    on: (name: string, l: Listener) => void listeners.set(name, l),
    setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
    session: {
      setPermissionRequestHandler: (h: typeof permissionRequest) => void (permissionRequest = h),
      setPermissionCheckHandler: (h: typeof permissionCheck) => void (permissionCheck = h),
    },
  };
  const fire = (name: string, url: string) => {
    const event = { preventDefault: vi.fn() };
    listeners.get(name)?.(event, url);
    return event.preventDefault.mock.calls.length > 0;
  };
  return {
    contents: contents as unknown as WebContents,
    fire,
    open: (url: string) => openHandler?.({ url }),
    request: (p: string, url: string) =>
      new Promise<boolean>((resolve) => permissionRequest?.({}, p, resolve, { requestingUrl: url })),
    check: (p: string, origin: string) => permissionCheck?.({}, p, origin),
  };
}

describe('navigation decisions', () => {
  it('allows only our own renderer', () => {
    expect(decideNavigation('app://renderer/index.html', APP_INDEX_URL)).toBe('allow');
    expect(decideNavigation('https://cal.com/', APP_INDEX_URL)).toBe('deny');
    expect(decideNavigation('file:///etc/passwd', APP_INDEX_URL)).toBe('deny');
  });
  it('grants only clipboard writes from our renderer', () => {
    expect(decidePermission('clipboard-sanitized-write', 'app://renderer/index.html', APP_INDEX_URL)).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.example/', APP_INDEX_URL)).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(decidePermission(p, 'app://renderer/index.html', APP_INDEX_URL)).toBe(false);
    }
  });
});

describe('installNavigationGuard', () => {
  it('blocks navigation, redirects, webviews and new windows; sends allowed links to openExternal', async () => {
    const fake = fakeContents();
    const openExternal = vi.fn(async () => undefined);
    installNavigationGuard(fake.contents, { appBase: APP_INDEX_URL, openExternal });

    expect(fake.fire('will-navigate', 'app://renderer/index.html')).toBe(false);
    expect(fake.fire('will-navigate', 'https://cal.com/jane')).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://cal.com/jane');
    expect(fake.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fake.fire('will-attach-webview', '')).toBe(true);

    expect(fake.open('https://meet.google.com/abc')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenLastCalledWith('https://meet.google.com/abc');

    expect(await fake.request('media', 'app://renderer/index.html')).toBe(false);
    expect(await fake.request('clipboard-sanitized-write', 'app://renderer/index.html')).toBe(true);
    expect(fake.check('geolocation', 'app://renderer')).toBe(false);
  });
});
