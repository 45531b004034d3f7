import { describe, expect, it } from 'vitest';
import { createWindowOptions } from './window-options';

describe('createWindowOptions', () => {
  const options = createWindowOptions({ preloadPath: '/app/out/preload/index.cjs' });

  it('keeps every security-relevant webPreference locked', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
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
    });
  });

  it('has DevTools only when asked (development)', () => {
    expect(options.webPreferences?.devTools).toBe(false);
    expect(createWindowOptions({ preloadPath: 'p', devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('never enables the options the starter templates get wrong', () => {
    const prefs = options.webPreferences as Record<string, unknown>;
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.enableRemoteModule).toBeUndefined();
    expect(prefs.sandbox).not.toBe(false);
  });

  it('waits for the first paint and remembers a position only when given both coordinates', () => {
    expect(options.show).toBe(false);
    expect(options).not.toHaveProperty('x');
    expect(createWindowOptions({ preloadPath: 'p', x: 10, y: 20 })).toMatchObject({ x: 10, y: 20 });
    expect(createWindowOptions({ preloadPath: 'p', x: 10 })).not.toHaveProperty('x');
  });
});
