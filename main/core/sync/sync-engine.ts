import type { SyncState } from '../../../common/app-state';
import type { BookingChange, SyncBookingStore } from '../bookings/booking-store';
import type { Clock } from '../ports';
import type { BackoffOptions } from './backoff';
import type { Intake } from './event-intake';
import { createIntake } from './event-intake';
import type { Receiver } from './receiver';
import { startReceiver } from './receiver';
import { createReconciler } from './reconciler';
import { createRelayApi } from './relay-api';
import type { Supervisor } from './stream-supervisor';
import { createSupervisor } from './stream-supervisor';
import type { SyncEngine, SyncEngineDeps } from './sync-types';

/** Timings, all optional; tests shrink them. */
export interface SyncTuning {
  /** Stream silence after which it is rebuilt (default 45 s: two 15 s heartbeats plus slack). */
  readonly silenceBudgetMs?: number;
  readonly connectTimeoutMs?: number;
  /** Periodic reconciliation with Cal.com (default 15 min). */
  readonly reconcileIntervalMs?: number;
  /** How often ended bookings are swept to `completed` (default 60 s). */
  readonly completionIntervalMs?: number;
  readonly gapDelayMs?: number;
  readonly ackDelayMs?: number;
  readonly pageSize?: number;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
}

/** The sync engine needs the full store (inbox, cursor, transitions), which openBookingStore returns. */
export type SyncEngineInput = SyncEngineDeps & SyncTuning & { readonly store: SyncBookingStore };

const systemClock: Clock = { now: () => Date.now() };
const INBOX_RETENTION_MS = 30 * 86_400_000;

/** Creates the engine for one connection: relay subscription + receiver + reconciliation. */
export function createSyncEngine(deps: SyncEngineInput): SyncEngine {
  const clock = deps.clock ?? systemClock;
  const { store, channel, logger } = deps;
  let state: SyncState = { status: 'idle', quarantined: store.quarantinedCount(channel.channelId) };
  let running = false;
  let intake: Intake | undefined;
  let receiver: Receiver | undefined;
  let supervisor: Supervisor | undefined;
  const timers: NodeJS.Timeout[] = [];

  const setState = (patch: Partial<SyncState>) => {
    const next: SyncState = { ...state, ...patch };
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    state = next;
    deps.onState(state);
  };
  const changed = (change: BookingChange) => deps.onBookingsChanged(change.uids, change.reason);

  const reconciler = createReconciler({ store, source: deps.bookingsSource, clock, logger, onChange: changed, onLastSynced: deps.onLastSynced });
  const reconcileQuietly = () => {
    reconciler.run().catch((err: unknown) => logger.warn('reconciliation failed; will retry', { error: String(err) }));
  };
  const sweep = () => {
    const uids = store.sweepCompleted();
    if (uids.length > 0) deps.onBookingsChanged(uids, 'updated');
    // The relay keeps acknowledged events 3 days; a month of raw bodies here is plenty for diagnostics.
    store.pruneInbox(clock.now() - INBOX_RETENTION_MS);
  };

  return {
    async start() {
      if (running) return;
      running = true;
      const api = createRelayApi(channel);
      const current = createIntake({
        store,
        channelId: channel.channelId,
        api,
        webhookSecret: deps.webhookSecret,
        logger,
        clock,
        onChange: changed,
        onActivity: (kind, at) => {
          if (kind === 'ping') setState({ lastPingAt: at, lastEventAt: at });
          else if (kind === 'event') setState({ lastEventAt: at });
          else setState({ quarantined: store.quarantinedCount(channel.channelId) });
        },
        gapDelayMs: deps.gapDelayMs ?? 1_000,
        ackDelayMs: deps.ackDelayMs ?? 250,
        pageSize: deps.pageSize ?? 500,
      });
      intake = current;
      receiver = await startReceiver({ channelId: channel.channelId, accept: current.acceptForwarded, logger });
      supervisor = createSupervisor({
        streamUrl: channel.streamUrl,
        token: channel.token,
        targetUrl: receiver.url,
        cursor: () => store.relayCursor(channel.channelId),
        catchUp: current.catchUp,
        onStreamSeq: current.noteStreamSeq,
        onStatus: (status, offlineSince) => setState({ status, offlineSince }),
        onReconnected: reconcileQuietly,
        logger,
        clock,
        ...(deps.silenceBudgetMs !== undefined ? { silenceBudgetMs: deps.silenceBudgetMs } : {}),
        ...(deps.connectTimeoutMs !== undefined ? { connectTimeoutMs: deps.connectTimeoutMs } : {}),
        ...(deps.backoff ? { backoff: deps.backoff } : {}),
        ...(deps.random ? { random: deps.random } : {}),
      });
      supervisor.start();
      sweep();
      reconcileQuietly();
      timers.push(setInterval(reconcileQuietly, deps.reconcileIntervalMs ?? 15 * 60_000), setInterval(sweep, deps.completionIntervalMs ?? 60_000));
      timers.forEach((t) => t.unref());
    },
    async stop() {
      if (!running) return;
      running = false;
      timers.splice(0).forEach(clearInterval);
      await supervisor?.stop();
      await receiver?.close();
      await intake?.stop();
      await reconciler.settled();
      supervisor = undefined;
      receiver = undefined;
      intake = undefined;
      setState({ status: 'idle', offlineSince: undefined });
    },
    async syncNow() {
      const relay = intake?.catchUp().catch((err: unknown) => logger.warn('relay catch-up failed', { error: String(err) }));
      await Promise.all([reconciler.run(), relay]);
    },
    state: () => state,
  };
}
