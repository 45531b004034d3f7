import { BrowserWindow, nativeTheme, screen } from 'electron';
import ElectronStore from 'electron-store';
import { createWindowOptions } from './window-options';
import { fitToDisplays, parseWindowState } from './window-state';
import type { WindowState } from './window-state';

/** Creates the app window on the secure options where it was last time, loads the renderer, shows on first paint. */
export function createMainWindow(opts: { readonly preloadPath: string; readonly url: string }): BrowserWindow {
  const store = new ElectronStore<{ window?: unknown }>({ name: 'window-state' });
  const saved = parseWindowState(store.get('window'));
  const fitted = saved ? fitToDisplays(saved, screen.getAllDisplays().map((d) => d.workArea)) : null;
  const window = new BrowserWindow(
    createWindowOptions({ preloadPath: opts.preloadPath, dark: nativeTheme.shouldUseDarkColors, ...(fitted ? fitted.bounds : {}) }),
  );
  window.once('ready-to-show', () => {
    if (fitted?.maximized) window.maximize();
    window.show();
  });
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    store.set('window', state);
  });
  void window.loadURL(opts.url);
  return window;
}

/** Brings the window to the front (a deep link or a second launch arrived). */
export function focusWindow(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
