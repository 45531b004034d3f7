import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { API_EVENT_CHANNEL, apiChannel, apiMethods } from '../../common/api';
import type { ApiHandlers, PushEvent } from '../../common/api';
import type { ApiResponse } from '../../common/errors';
import { dispatchApiCall } from '../core/api-dispatch';
import { isSameAppUrl } from './app-url';

/** The sender facts the check needs (from `event.senderFrame`). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** Only the top frame of our own renderer may call the API (Electron security checklist #17). */
export function isTrustedSender(frame: SenderFrame | null | undefined, appBase: string): boolean {
  return !!frame && frame.parent === null && isSameAppUrl(frame.url, appBase);
}

const forbidden: ApiResponse<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This window may not call the app.' },
};

export interface ApiIpcDeps {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly handlers: ApiHandlers;
  readonly appBase: string;
  readonly onRejected?: (method: string, url: string | undefined) => void;
}

/**
 * Registers `ipcMain.handle` for every method of common/api.ts: sender check, zod validation, core call,
 * ApiResponse (never a thrown error across IPC). Returns a function that unregisters them.
 */
export function registerApiIpc(deps: ApiIpcDeps): () => void {
  for (const method of apiMethods) {
    deps.ipcMain.handle(apiChannel(method), async (event: IpcMainInvokeEvent, input: unknown) => {
      const frame = event.senderFrame;
      if (!isTrustedSender(frame, deps.appBase)) {
        deps.onRejected?.(method, frame?.url);
        return forbidden;
      }
      return dispatchApiCall(deps.handlers, method, input);
    });
  }
  return () => {
    for (const method of apiMethods) deps.ipcMain.removeHandler(apiChannel(method));
  };
}

/** Sends core events to the window on the one push channel; skips a window that is gone. */
export function forwardPushEvents(
  subscribe: (listener: (event: PushEvent) => void) => () => void,
  target: () => Pick<WebContents, 'send' | 'isDestroyed'> | null,
): () => void {
  return subscribe((event) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(API_EVENT_CHANNEL, event);
  });
}
