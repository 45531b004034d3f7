import type { App } from 'electron';
import type { Logger } from '../core/ports';

/** How long quitting waits for the core to close the database and stop sync before leaving anyway. */
export const QUIT_DEADLINE_MS = 3_000;

export interface QuitGuardDeps {
  readonly app: Pick<App, 'on' | 'quit'>;
  /** Stops the core; null when there is nothing to stop (no core yet, or the setup screen). */
  readonly stop: () => Promise<void> | null;
  readonly logger: Logger;
  readonly deadlineMs?: number;
}

/**
 * `before-quit` holds the quit until `stop()` settles or the deadline passes, then quits for real. Without the
 * deadline a hung stop (a relay stream that will not close, a stuck keychain call) leaves a process with no window
 * that the consultant can only kill. A second quit request while stopping keeps waiting for the same deadline.
 */
export function installQuitGuard(deps: QuitGuardDeps): void {
  let phase: 'running' | 'stopping' | 'done' = 'running';
  deps.app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    const stopping = deps.stop();
    if (!stopping) {
      phase = 'done';
      deps.app.quit();
      return;
    }
    phase = 'stopping';
    const deadline = deps.deadlineMs ?? QUIT_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), deadline);
    });
    const stopped = stopping.then(
      () => 'stopped' as const,
      (err: unknown) => {
        deps.logger.error('core stop failed', { error: err });
        return 'failed' as const;
      },
    );
    void Promise.race([stopped, timeout]).then((outcome) => {
      clearTimeout(timer);
      if (outcome === 'timeout') deps.logger.warn('core stop took too long; quitting anyway', { deadlineMs: deadline });
      phase = 'done';
      deps.app.quit();
    });
  });
}
