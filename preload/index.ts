import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
// Names and channels only: common/api.ts would bring zod into the preload (types below are erased).
import { API_EVENT_CHANNEL, apiChannel, apiMethodNames } from '../common/api-methods';
import type { LifescoreBridge, PushEvent } from '../common/api';

/**
 * `window.lifescore`: one invoke per method of common/api.ts and one event subscription. No logic, and
 * neither `ipcRenderer` nor the IpcRendererEvent ever reaches the page (Electron security checklist #20).
 */
const calls = Object.fromEntries(
  apiMethodNames.map((method) => [method, (input: unknown) => ipcRenderer.invoke(apiChannel(method), input)]),
);

const bridge = {
  ...calls,
  onEvent(listener: (event: PushEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, payload: PushEvent) => listener(payload);
    ipcRenderer.on(API_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(API_EVENT_CHANNEL, forward);
    };
  },
} as LifescoreBridge;

contextBridge.exposeInMainWorld('lifescore', bridge);
