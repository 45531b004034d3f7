import type { LifescoreBridge } from '../../../common/api';

declare global {
  interface Window {
    /** Exposed by the Electron preload or the browser host's /host-bridge.js; absent anywhere else. */
    readonly lifescore?: LifescoreBridge;
    /** Set by /host-bridge.js only: the page runs in a normal browser tab rather than in Electron. */
    readonly lifescoreHost?: 'browser';
  }
}

/** The bridge, or null when the page was opened outside the app (then the shell explains what to do). */
export function getBridge(): LifescoreBridge | null {
  return window.lifescore ?? null;
}

/**
 * True in the browser host. There, links to other sites open as browser tabs from the page itself;
 * in Electron the main process opens the system browser, checking common/external-url-policy.ts again.
 */
export function runsInBrowserHost(): boolean {
  return window.lifescoreHost === 'browser';
}
