import type { SyncState } from '../../../common/app-state';
import type { BookingChange, SyncBookingStore } from '../bookings/booking-store';
import type { Clock } from '../ports';
import { channelEventsOf, createRelayClient } from '../relay-client/relay-client';
import type { BackoffOptions } from './backoff';
import type { Intake } from './event-intake';
import { createIntake } from './event-intake';
import type { Receiver } from './receiver';
import { startReceiver } from './receiver';
import { createReconciler } from './reconciler';
import { backoffDelay, defaultBackoff } from './backoff';
import type { FailureThresholds } from './failure-tracker';
import { classifySyncError, createFailureTracker } from './failure-tracker';
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
  /** When a persisting failure shows and notifies (issue 22; tests shrink them). */
  readonly failureThresholds?: FailureThresholds;
  /** Retries of a failed reconciliation: exponential from `baseMs`, capped at the reconcile interval (default 30 s). */
  readonly reconcileRetryBaseMs?: number;
  /** Retries of a receiver that would not start (default 500 ms doubling to 30 s). */
  readonly receiverBackoff?: BackoffOptions;
  /** Test seam: how the loopback receiver is started. */
  readonly startReceiver?: typeof startReceiver;
  /** Bookings page size for reconciliation (Cal.com allows at most 250). */
  readonly calcomPageSize?: number;
}

/** The sync engine needs the full store (inbox, cursor, transitions), which openBookingStore returns. */
export type SyncEngineInput = SyncEngineDeps & SyncTuning & { readonly store: SyncBookingStore };

const systemClock: Clock = { now: () => Date.now() };
const INBOX_RETENTION_MS = 30 * 86_400_000;

const NOTIFY_TITLE = 'Bookings are not syncing';

/**
 * Creates the engine for one connection: relay subscription + receiver + reconciliation. Every part that can
 * stop is supervised (issue 22): the receiver is restarted with backoff until it starts, the stream supervisor
 * reconnects forever, the reconciler retries with backoff, the ack batcher retries failed acks; a failure that
 * persists shows on the Sync card (SyncState.problem) and, after an hour, as a desktop notification.
 */
export function createSyncEngine(deps: SyncEngineInput): SyncEngine {
  const clock = deps.clock ?? systemClock;
  const { store, channel, logger } = deps;
  let state: SyncState = { status: 'idle', quarantined: store.quarantinedCount(channel.channelId) };
  let running = false;
  let intake: Intake | undefined;
  let receiver: Receiver | undefined;
  let supervisor: Supervisor | undefined;
  let receiverLoop: Promise<void> | undefined;
  let wakeReceiverLoop: (() => void) | undefined;
  let reconcileTimer: NodeJS.Timeout | undefined;
  const timers: NodeJS.Timeout[] = [];
  const reconcileFailures = createFailureTracker(deps.failureThresholds);
  const receiverFailures = createFailureTracker(deps.failureThresholds);
  const reconcileIntervalMs = deps.reconcileIntervalMs ?? 15 * 60_000;
  const account = deps.account?.userId ?? null;
  if (account !== null) {
    // Bookings and watermarks belong to this account: another account's bookings are parked, not mixed in.
    const moved = store.useAccount(account);
    if (moved.parked + moved.restored > 0)
      logger.info('switched the bookings shown to this Cal.com account', { ...moved });
  }

  const setState = (patch: Partial<SyncState>) => {
    const next: SyncState = { ...state, ...patch };
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    state = next;
    deps.onState(state);
  };
  /** The problem the card shows: the receiver's first (nothing arrives without it), then reconciliation's. */
  const showProblems = () => {
    const now = clock.now();
    const problem = receiverFailures.visible(now) ?? reconcileFailures.visible(now);
    if (problem) setState({ problem });
    else if (state.problem) setState({ problem: undefined });
  };
  const noteFailure = (tracker: typeof reconcileFailures, err: unknown) => {
    const { kind, message } = classifySyncError(err);
    if (tracker.failed(kind, message, clock.now()))
      deps.notify?.(NOTIFY_TITLE, `${message} Open LifeScore Consultant to see what to do.`);
    showProblems();
  };
  const changed = (change: BookingChange) => deps.onBookingsChanged(change.uids, change.reason);

  const reconciler = createReconciler({
    store,
    source: deps.bookingsSource,
    clock,
    logger,
    onChange: changed,
    onLastSynced: deps.onLastSynced,
    account,
    channelId: channel.channelId,
    ...(deps.calcomPageSize ? { pageSize: deps.calcomPageSize } : {}),
  });
  /** The next periodic run: the interval after a success, backoff (capped at the interval) after a failure. */
  const scheduleReconcile = () => {
    clearTimeout(reconcileTimer);
    if (!running) return;
    const failures = reconcileFailures.failures();
    const delay =
      failures === 0
        ? reconcileIntervalMs
        : backoffDelay(
            failures - 1,
            { baseMs: deps.reconcileRetryBaseMs ?? 30_000, maxMs: reconcileIntervalMs },
            deps.random,
          );
    reconcileTimer = setTimeout(() => void reconcile(), delay);
    reconcileTimer.unref();
  };
  /** One reconciliation whose outcome is tracked; never rejects. */
  const reconcile = async (): Promise<void> => {
    try {
      await reconciler.run();
      reconcileFailures.succeeded();
      showProblems();
    } catch (err) {
      logger.warn('reconciliation failed; will retry', {
        error: String(err),
        failures: reconcileFailures.failures() + 1,
      });
      noteFailure(reconcileFailures, err);
    } finally {
      scheduleReconcile();
    }
  };
  const reconcileQuietly = () => void reconcile();
  const sweep = () => {
    const uids = store.sweepCompleted();
    if (uids.length > 0) deps.onBookingsChanged(uids, 'updated');
    // The relay keeps acknowledged events 3 days; a month of raw bodies here is plenty for diagnostics.
    store.pruneInbox(clock.now() - INBOX_RETENTION_MS);
  };

  /** Starts the stream supervisor once the receiver it forwards to is up. */
  const startStream = (current: Intake, target: Receiver) => {
    supervisor = createSupervisor({
      streamUrl: channel.streamUrl,
      token: channel.token,
      targetUrl: target.url,
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
      random: deps.random,
    });
    supervisor.start();
  };

  /** A receiver that stopped by itself: the stream that forwarded to it goes too, and both are started again. */
  const restartReceiver = (current: Intake, dead: Receiver, why: Error) => {
    if (!running || intake !== current || receiver !== dead) return;
    logger.error('the local receiver stopped; restarting it', { error: why.message });
    noteFailure(receiverFailures, new Error(`the local receiver stopped (${why.message})`));
    receiver = undefined;
    const stream = supervisor;
    supervisor = undefined;
    setState({ status: 'offline', offlineSince: state.offlineSince ?? new Date(clock.now()).toISOString() });
    void (async () => {
      await stream?.stop();
      if (running && intake === current) await superviseReceiver(current);
    })();
  };

  /** Starts the receiver, retrying with backoff until it starts or the engine stops; resolves after the first try. */
  const superviseReceiver = (current: Intake): Promise<void> => {
    const start = deps.startReceiver ?? startReceiver;
    let firstTry!: () => void;
    const tried = new Promise<void>((resolve) => (firstTry = resolve));
    receiverLoop = (async () => {
      for (let attempt = 0; running && intake === current; attempt += 1) {
        try {
          const r = await start({ channelId: channel.channelId, accept: current.acceptForwarded, logger });
          if (!running || intake !== current) {
            await r.close();
            return;
          }
          receiver = r;
          receiverFailures.succeeded();
          showProblems();
          startStream(current, r);
          void r.ended.then((why) => restartReceiver(current, r, why));
          return;
        } catch (err) {
          logger.error('the local receiver did not start; retrying', { attempt, error: String(err) });
          noteFailure(
            receiverFailures,
            new Error(`the local receiver did not start (${String(err instanceof Error ? err.message : err)})`),
          );
          setState({ status: 'offline', offlineSince: state.offlineSince ?? new Date(clock.now()).toISOString() });
        } finally {
          firstTry();
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, backoffDelay(attempt, deps.receiverBackoff ?? defaultBackoff, deps.random));
          wakeReceiverLoop = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    })();
    return tried;
  };

  return {
    async start() {
      if (running) return;
      running = true;
      const api = channelEventsOf(createRelayClient({ relayUrl: channel.relayUrl, fetch: deps.fetch }), channel);
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
        random: deps.random,
      });
      intake = current;
      await superviseReceiver(current);
      sweep();
      reconcileQuietly();
      timers.push(setInterval(sweep, deps.completionIntervalMs ?? 60_000));
      timers.forEach((t) => t.unref());
    },
    async stop() {
      if (!running) return;
      running = false;
      timers.splice(0).forEach(clearInterval);
      clearTimeout(reconcileTimer);
      wakeReceiverLoop?.();
      await receiverLoop;
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
      const relay = intake
        ?.catchUp()
        .catch((err: unknown) => logger.warn('relay catch-up failed', { error: String(err) }));
      try {
        await Promise.all([reconciler.run(), relay]);
        reconcileFailures.succeeded();
        showProblems();
      } catch (err) {
        noteFailure(reconcileFailures, err);
        throw err;
      }
    },
    state: () => state,
  };
}
