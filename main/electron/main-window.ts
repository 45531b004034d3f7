import { BrowserWindow, nativeTheme, screen } from 'electron';
import ElectronStore from 'electron-store';
import { createWindowOptions } from './window-options';
import { fitToDisplays, parseWindowState } from './window-state';
import type { WindowState } from './window-state';

/** Shown after this long even without a first paint: a page that never paints must not leave an invisible app. */
export const SHOW_FALLBACK_MS = 5_000;

/** Creates the app window on the secure options where it was last time, loads the renderer, shows on first paint. */
export function createMainWindow(opts: {
  readonly preloadPath: string;
  readonly url: string;
  readonly devTools: boolean;
}): BrowserWindow {
  let store: ElectronStore<{ window?: unknown }> | null = null;
  try {
    // Window placement is disposable: a damaged file is cleared rather than recovered.
    store = new ElectronStore<{ window?: unknown }>({ name: 'window-state', clearInvalidConfig: true });
  } catch {
    store = null;
  }
  const saved = parseWindowState(store?.get('window'));
  const fitted = saved
    ? fitToDisplays(
        saved,
        screen.getAllDisplays().map((d) => d.workArea),
      )
    : null;
  const window = new BrowserWindow(
    createWindowOptions({
      preloadPath: opts.preloadPath,
      devTools: opts.devTools,
      dark: nativeTheme.shouldUseDarkColors,
      ...(fitted ? fitted.bounds : {}),
    }),
  );
  const reveal = () => {
    if (window.isDestroyed() || window.isVisible()) return;
    if (fitted?.maximized) window.maximize();
    window.show();
  };
  window.once('ready-to-show', reveal);
  setTimeout(reveal, SHOW_FALLBACK_MS).unref();
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    store?.set('window', state);
  });
  // A failed load is handled by window-recovery.ts (did-fail-load); the rejected promise itself says nothing more.
  window.loadURL(opts.url).catch(() => undefined);
  return window;
}
