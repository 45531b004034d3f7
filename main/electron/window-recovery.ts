import type { BrowserWindow, WebContents } from 'electron';

/** Chromium's ERR_ABORTED: a load replaced by another one (a reload, our own error page), not a failure. */
const ERR_ABORTED = -3;

export type RecoverableWindow = Pick<BrowserWindow, 'isDestroyed' | 'show' | 'isVisible'> & {
  readonly webContents: Pick<WebContents, 'on' | 'reload' | 'loadURL' | 'isDestroyed'>;
};

export interface WindowRecoveryDeps {
  readonly onProblem: (what: string, fields: Record<string, unknown>) => void;
}

/** A self-contained page (no script, no remote content) saying what happened and what to do. */
export function errorPageUrl(title: string, detail: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>LifeScore Consultant</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:36rem;padding:0 1rem;color:#1d2b26;background:#f4f6f5}h1{font-size:1.3rem}code{font-size:.9em}</style></head>
<body><main><h1>${escape(title)}</h1><p>${escape(detail)}</p><p>Quit LifeScore Consultant and open it again. If this keeps happening, Help → Show Logs has the details for support.</p></main></body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

/**
 * Keeps a window from ending up blank or invisible: a failed load of the page or a crashed renderer is reloaded
 * once; after that the window shows a clear error page instead of retrying forever. The window is shown either way
 * (with `show: false` a page that never paints would never fire `ready-to-show`).
 */
export function watchWindowHealth(
  window: RecoverableWindow,
  deps: WindowRecoveryDeps,
): { showError(title: string, detail: string): void } {
  let reloaded = false;
  let gaveUp = false;
  const showError = (title: string, detail: string) => {
    if (window.isDestroyed() || window.webContents.isDestroyed()) return;
    gaveUp = true;
    void window.webContents.loadURL(errorPageUrl(title, detail)).catch(() => undefined);
    if (!window.isVisible()) window.show();
  };
  const recover = (title: string, detail: string) => {
    if (gaveUp || window.isDestroyed()) return;
    if (!reloaded) {
      reloaded = true;
      window.webContents.reload();
      return;
    }
    showError(title, detail);
  };
  window.webContents.on('did-fail-load', (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
    if (!isMainFrame || errorCode === ERR_ABORTED || validatedURL.startsWith('data:')) return;
    deps.onProblem('page failed to load', { errorCode, errorDescription });
    recover('The app’s window could not load', `${errorDescription} (${errorCode}).`);
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    deps.onProblem('renderer gone', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason === 'clean-exit') return;
    recover('The app’s window stopped working', `The page process ended (${details.reason}).`);
  });
  return { showError };
}
