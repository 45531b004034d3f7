import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_EVENT_CHANNEL, apiChannel, apiMethods } from '../common/api';
import type { LifescoreBridge, PushEvent } from '../common/api';

/** A typed stand-in for the two Electron modules the preload uses (the binary cannot run under vitest). */
const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    exposed: new Map<string, unknown>(),
    listeners,
    invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, data: { channel, input } })),
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      const set = electron.listeners.get(channel) ?? new Set();
      set.add(fn);
      electron.listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => electron.listeners.get(channel)?.delete(fn),
  },
}));

describe('preload', () => {
  let bridge: LifescoreBridge;
  beforeAll(async () => {
    await import('./index');
    bridge = electron.exposed.get('lifescore') as LifescoreBridge;
  });

  it('exposes exactly one function per API method plus onEvent, under window.lifescore', () => {
    expect([...electron.exposed.keys()]).toEqual(['lifescore']);
    expect(Object.keys(bridge).sort()).toEqual([...apiMethods, 'onEvent'].sort());
    for (const key of Object.keys(bridge)) expect(typeof (bridge as Record<string, unknown>)[key]).toBe('function');
  });

  it('invokes the method channel with the input, nothing else', async () => {
    await bridge.getBooking({ uid: 'b1' });
    expect(electron.invoke).toHaveBeenLastCalledWith(apiChannel('getBooking'), { uid: 'b1' });
  });

  it('passes push events without the IpcRendererEvent, and unsubscribes', () => {
    const seen: unknown[][] = [];
    const off = bridge.onEvent((...args: unknown[]) => seen.push(args));
    const event: PushEvent = { type: 'toast', level: 'info', message: 'hi' };
    const fakeIpcEvent = { sender: 'ipcRenderer would leak here' };
    for (const fn of electron.listeners.get(API_EVENT_CHANNEL) ?? []) fn(fakeIpcEvent, event);
    expect(seen).toEqual([[event]]);
    off();
    expect(electron.listeners.get(API_EVENT_CHANNEL)?.size).toBe(0);
  });
});
