import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the bundled preload (out/preload/index.cjs). */
  readonly preloadPath: string;
  /** Whether DevTools can be opened: development only (a release has no use for them, and they drive the page). */
  readonly devTools?: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly x?: number;
  readonly y?: number;
  readonly dark?: boolean;
}

/**
 * The one set of options the glue passes to BrowserWindow (DESIGN.md §8, Electron security checklist).
 * Stated explicitly even where they are Electron's defaults, so a unit test pins them and a future default
 * change, or a copy from a starter template, cannot weaken them silently.
 */
export function createWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: input.width ?? 1200,
    height: input.height ?? 800,
    ...(input.x !== undefined && input.y !== undefined ? { x: input.x, y: input.y } : {}),
    minWidth: 760,
    minHeight: 520,
    title: 'LifeScore Consultant',
    // Shown once the first paint is ready, so the window never flashes white.
    show: false,
    backgroundColor: input.dark ? '#111816' : '#f4f6f5',
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: true,
      safeDialogs: true,
      devTools: input.devTools ?? false,
    },
  };
}
