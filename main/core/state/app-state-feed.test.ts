import { describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../common/api';
import type { SyncState } from '../../../common/app-state';
import { createMemorySettingsStore } from '../settings/memory-settings';
import { createAppStateFeed, servicesOf } from './app-state-feed';

/** The state the renderer sees and the events that carry it, without a core around it. */
function feed(opts: { pendingUrl?: string } = {}) {
  const errors: string[] = [];
  const settings = createMemorySettingsStore();
  const sync: SyncState = { status: 'idle', quarantined: 0 };
  const f = createAppStateFeed({
    config: { version: '9.9.9' },
    settings,
    clock: { now: () => Date.parse('2026-05-01T10:00:00Z') },
    logger: { info: () => undefined, warn: () => undefined, error: (m) => void errors.push(m) },
    syncState: () => sync,
    pendingAuthorizeUrl: () => opts.pendingUrl,
  });
  const events: PushEvent[] = [];
  f.onEvent((e) => events.push(e));
  return { f, events, errors, settings };
}

describe('createAppStateFeed', () => {
  it('builds AppState from record, activity and sync; setActivity pushes it, replaceActivity does not', () => {
    const { f, events } = feed({ pendingUrl: 'https://cal.test/authorize?state=s' });
    const idle = { connection: { status: 'disconnected' }, sync: { status: 'idle' }, version: '9.9.9' };
    expect(f.state()).toMatchObject(idle);
    f.replaceActivity({ step: 'exchanging' });
    expect(events).toEqual([]);
    expect(f.connecting()).toBe(true);
    f.setActivity({ step: 'waiting-for-browser' });
    expect(f.connecting()).toBe(false);
    // While the browser is open the state carries the pending attempt's URL (the flow knows it, not the activity).
    const connection = expect.objectContaining({ authorizeUrl: 'https://cal.test/authorize?state=s' });
    expect(events).toEqual([{ type: 'state', state: expect.objectContaining({ connection }) }]);
  });

  it('a listener that throws is logged and does not stop the others; unsubscribing stops delivery', () => {
    const { f, events, errors } = feed();
    const off = f.onEvent(() => {
      throw new Error('renderer gone');
    });
    f.toast('info', 'hello');
    expect(errors).toEqual(['push listener threw']);
    expect(events).toEqual([{ type: 'toast', level: 'info', message: 'hello' }]);
    off();
    f.toast('error', 'again');
    expect(errors).toHaveLength(1);
  });

  it('notices and profile answers toast; a refused profile is an error toast, a saved one is quiet', () => {
    const { f, events } = feed();
    f.notice('set up again');
    f.noteProfileAnswer({ status: 'saved', slug: 'ann', message: 'Saved.' } as never);
    f.noteProfileAnswer({ status: 'taken', slug: 'ann', message: 'That address is taken.' } as never);
    expect(events).toEqual([
      { type: 'toast', level: 'info', message: 'set up again' },
      { type: 'toast', level: 'error', message: 'That address is taken.' },
    ]);
    f.clearNotices();
    expect(events).toHaveLength(2);
  });

  it('servicesOf keeps only the three switches', () => {
    expect(servicesOf({ 30: true, 60: false, 90: true, extra: 1 } as never)).toEqual({ 30: true, 60: false, 90: true });
  });
});
