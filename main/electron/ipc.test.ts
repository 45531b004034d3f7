import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { API_EVENT_CHANNEL, apiChannel, apiMethods } from '../../common/api';
import type { ApiHandlers, PushEvent } from '../../common/api';
import { AppFailure } from '../../common/errors';
import { APP_INDEX_URL } from './app-url';
import { forwardPushEvents, isTrustedSender, registerApiIpc } from './ipc';

type Handler = (event: IpcMainInvokeEvent, input: unknown) => Promise<unknown>;

/** A typed fake ipcMain that records handlers so the test can invoke them like a renderer would. */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, fn: Handler) => void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

const topFrame = (url: string) => ({ senderFrame: { url, parent: null } }) as unknown as IpcMainInvokeEvent;

function fakeHandlers(): ApiHandlers {
  const h = Object.fromEntries(apiMethods.map((m) => [m, vi.fn(async () => null)])) as unknown as ApiHandlers;
  h.getBooking = vi.fn(async ({ uid }: { uid: string }) => {
    if (uid === 'boom') throw new AppFailure('not_found', 'No such booking.');
    return null;
  });
  return h;
}

describe('isTrustedSender', () => {
  it('accepts only the top frame of our renderer', () => {
    expect(isTrustedSender({ url: 'app://renderer/index.html#/bookings', parent: null }, APP_INDEX_URL)).toBe(true);
    expect(isTrustedSender({ url: 'app://renderer/index.html', parent: {} }, APP_INDEX_URL)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, APP_INDEX_URL)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/x.html', parent: null }, APP_INDEX_URL)).toBe(false);
    expect(isTrustedSender(null, APP_INDEX_URL)).toBe(false);
  });
});

describe('registerApiIpc', () => {
  it('registers one handler per API method and removes them again', () => {
    const ipcMain = fakeIpcMain();
    const dispose = registerApiIpc({ ipcMain, handlers: fakeHandlers(), appBase: APP_INDEX_URL });
    expect([...ipcMain.handlers.keys()].sort()).toEqual(apiMethods.map(apiChannel).sort());
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('validates input, dispatches parsed values and wraps results and errors', async () => {
    const ipcMain = fakeIpcMain();
    const handlers = fakeHandlers();
    registerApiIpc({ ipcMain, handlers, appBase: APP_INDEX_URL });
    const invoke = (method: string, input: unknown) =>
      ipcMain.handlers.get(apiChannel(method as never))!(topFrame(APP_INDEX_URL), input);

    expect(await invoke('disconnect', {})).toEqual({ ok: true, data: null });
    expect(handlers.disconnect).toHaveBeenCalledWith({ hideEventTypes: true });

    const bad = (await invoke('getBooking', { uid: '' })) as { ok: boolean; error: { code: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('bad_input');

    expect(await invoke('getBooking', { uid: 'boom' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No such booking.' },
    });
    expect(await invoke('openExternal', { url: 'https://cal.com/x', extra: true })).toMatchObject({
      ok: false,
      error: { code: 'bad_input' },
    });
  });

  it('refuses untrusted senders without calling the core', async () => {
    const ipcMain = fakeIpcMain();
    const handlers = fakeHandlers();
    const onRejected = vi.fn();
    registerApiIpc({ ipcMain, handlers, appBase: APP_INDEX_URL, onRejected });
    const result = await ipcMain.handlers.get(apiChannel('getState'))!(topFrame('https://evil.example/'), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(handlers.getState).not.toHaveBeenCalled();
    expect(onRejected).toHaveBeenCalledWith('getState', 'https://evil.example/');
    const noFrame = await ipcMain.handlers.get(apiChannel('getState'))!(
      { senderFrame: null } as unknown as IpcMainInvokeEvent,
      {},
    );
    expect(noFrame).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('forwardPushEvents', () => {
  it('sends each core event on the one push channel, skipping a destroyed window', () => {
    let listener: ((e: PushEvent) => void) | undefined;
    const send = vi.fn();
    let destroyed = false;
    const stop = forwardPushEvents(
      (l) => {
        listener = l;
        return () => (listener = undefined);
      },
      () => ({ send, isDestroyed: () => destroyed }),
    );
    const event: PushEvent = { type: 'bookings-changed', uids: ['b1'], reason: 'created' };
    listener?.(event);
    expect(send).toHaveBeenCalledWith(API_EVENT_CHANNEL, event);
    destroyed = true;
    listener?.(event);
    expect(send).toHaveBeenCalledTimes(1);
    stop();
    expect(listener).toBeUndefined();
  });
});
