import type { PushEvent } from '../../../common/api';
import type { AppState, ProfileAnswer, SyncState } from '../../../common/app-state';
import type { ConnectActivity, ConnectionExtras } from '../integration/connection-state';
import { toConnectionState } from '../integration/connection-state';
import { readIntegration } from '../integration/integration-records';
import type { AppConfig, Clock, Logger, SettingsStore } from '../ports';

/**
 * What the renderer sees: the AppState assembled from the stored record, the connect activity (in memory only) and
 * the notices beside it, and the push events (state, toasts, bookings changed) that carry it to every listener.
 */

export interface AppStateFeedDeps {
  readonly config: Pick<AppConfig, 'version'>;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Late-bound: the sync runner and the OAuth flow are built after the feed, since they push through it. */
  readonly syncState: () => SyncState;
  readonly pendingAuthorizeUrl: () => string | undefined;
}

export interface AppStateFeed {
  onEvent(listener: (event: PushEvent) => void): () => void;
  emit(event: PushEvent): void;
  state(): AppState;
  /** Pushes the current state to every listener. */
  push(): void;
  toast(level: 'info' | 'error', message: string): void;
  activity(): ConnectActivity;
  /** Sets the connect activity and pushes. */
  setActivity(next: ConnectActivity): void;
  /** Sets the connect activity without a push (the caller pushes once it has finished). */
  replaceActivity(next: ConnectActivity): void;
  /** True while a code exchange or the connect setup runs: connect, disconnect and heal must wait. */
  connecting(): boolean;
  /** A notice on the Connection card, with a toast. */
  notice(message: string): void;
  /** The relay's answer to the last profile publish (Settings shows it); a refusal is also a toast. */
  noteProfileAnswer(answer: ProfileAnswer): void;
  /** A finished connect starts with no notices. */
  clearNotices(): void;
}

export function createAppStateFeed(deps: AppStateFeedDeps): AppStateFeed {
  const { settings, logger } = deps;
  const listeners = new Set<(e: PushEvent) => void>();
  let activity: ConnectActivity = {};
  let extras: ConnectionExtras = {};

  const emit = (event: PushEvent) => {
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        logger.error('push listener threw', { err: String(err) });
      }
    }
  };
  const state = (): AppState => {
    const waiting = activity.step === 'waiting-for-browser' ? { authorizeUrl: deps.pendingAuthorizeUrl() } : {};
    return {
      connection: toConnectionState(readIntegration(settings), { ...activity, ...waiting }, extras),
      sync: deps.syncState(),
      services: servicesOf(settings.read().services),
      version: deps.config.version,
    };
  };
  const push = () => emit({ type: 'state', state: state() });
  const toast = (level: 'info' | 'error', message: string) => emit({ type: 'toast', level, message });

  return {
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    state,
    push,
    toast,
    activity: () => activity,
    setActivity(next) {
      activity = next;
      push();
    },
    replaceActivity(next) {
      activity = next;
    },
    connecting: () => activity.step === 'exchanging' || activity.step === 'setting-up',
    notice(message) {
      extras = { ...extras, notice: { message, at: new Date(deps.clock.now()).toISOString() } };
      toast('info', message);
    },
    noteProfileAnswer(answer) {
      extras = { ...extras, profileAnswer: answer };
      if (answer.status === 'taken' || answer.status === 'not-verified') toast('error', answer.message);
    },
    clearNotices() {
      extras = {};
    },
  };
}

/** The three service switches as AppState carries them (settings may hold more fields). */
export function servicesOf(s: { 30: boolean; 60: boolean; 90: boolean }): AppState['services'] {
  return { 30: s[30], 60: s[60], 90: s[90] };
}
