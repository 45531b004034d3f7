import type { SmeeClient } from 'smee-client';
import type { Clock, Logger } from '../ports';
import type { BackoffOptions } from './backoff';
import { backoffDelay, defaultBackoff } from './backoff';
import { lazyImport } from '../../../common/lazy-import';
import { createStreamFetch } from './stream-fetch';

/**
 * Owns the smee-client subscription. smee-client dies for good after a non-200 and its failed clients keep
 * retrying in the background (relay-notes §1), so every failure here ends in `stop()` on that client and a
 * fresh one, after a catch-up pull, with jittered backoff while the relay stays unreachable.
 */

export type StreamStatus = 'catching-up' | 'live' | 'offline';

export interface SupervisorDeps {
  readonly streamUrl: string;
  readonly token: string;
  readonly targetUrl: string;
  readonly cursor: () => number;
  /** Pulls everything after the cursor; runs before every (re)connect. */
  readonly catchUp: () => Promise<void>;
  readonly onStatus: (status: StreamStatus, offlineSince: string | undefined) => void;
  /** Each stream message's id (the relay sequence), seen before smee-client's forward lands or fails. */
  readonly onStreamSeq?: (seq: number) => void;
  /** Called after a reconnect (not the first connect): the engine reconciles with Cal.com. */
  readonly onReconnected: () => void;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Silence after which the stream counts as dead: two relay heartbeats (≤15 s each) plus slack. */
  readonly silenceBudgetMs?: number;
  readonly connectTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Backoff jitter (the random port). */
  readonly random: () => number;
}

export interface Supervisor {
  start(): void;
  stop(): Promise<void>;
  /** How many smee-clients have been built (tests: proves rebuilds). */
  readonly builds: number;
}

/** smee-client (and the undici it brings) loads when a supervisor first runs, not at app start. */
const loadSmeeClient = lazyImport('smee-client', async () => (await import('smee-client')).SmeeClient);

const CLOSED = 2;
const QUICK_DEATH_MS = 2_000;
/** Liveness is measured on the monotonic clock: the injected Clock is business time and may be fixed in tests. */
const monotonic = () => performance.now();

/** Creates the supervisor; nothing connects until start(). */
export function createSupervisor(deps: SupervisorDeps): Supervisor {
  const silenceBudgetMs = deps.silenceBudgetMs ?? 45_000;
  const { logger, clock } = deps;
  let stopped = true;
  let loop: Promise<void> | undefined;
  let builds = 0;
  let lastActivity = 0;
  let offlineSince: string | undefined;
  let wake: (() => void) | undefined;
  let signalStop: () => void = () => undefined;
  let stopRequested = new Promise<void>((resolve) => (signalStop = resolve));

  /** Waits for `p`, or gives up when stop() is called (a hung relay must not hold the app's shutdown). */
  const unlessStopped = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([
      p,
      stopRequested.then((): never => {
        throw new Error('stopped');
      }),
    ]);

  const smeeLogger = {
    info: () => undefined, // one line per forward; the receiver logs what matters
    error: (...args: unknown[]) => logger.warn('smee-client', { detail: args.map(String).join(' ') }),
  };

  /** Sleeps, waking early on stop(). */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  /** Resolves when the open stream fails: closed, errored, or silent past the budget. */
  const whileHealthy = (events: EventTarget & { readyState: number }) =>
    new Promise<string>((resolve) => {
      const check = setInterval(
        () => {
          if (events.readyState === CLOSED) done('closed');
          else if (monotonic() - lastActivity > silenceBudgetMs) done('silent');
        },
        Math.max(50, Math.min(5_000, silenceBudgetMs / 4)),
      );
      const onError = () => done('error'); // eventsource would retry on its own; we rebuild with a catch-up instead
      const done = (why: string) => {
        clearInterval(check);
        events.removeEventListener('error', onError);
        wake = undefined;
        resolve(why);
      };
      events.addEventListener('error', onError);
      wake = () => done('stopped');
    });

  const markOffline = () => {
    offlineSince ??= new Date(clock.now()).toISOString();
  };

  const run = async () => {
    let attempt = 0;
    let connectedBefore = false;
    // Load smee-client while the first catch-up is on the network; a failure shows (typed) where it is awaited.
    void loadSmeeClient().catch(() => undefined);
    while (!stopped) {
      let client: SmeeClient | undefined;
      try {
        deps.onStatus(attempt > 0 ? 'offline' : 'catching-up', offlineSince);
        await unlessStopped(deps.catchUp());
        if (stopped) break;
        const Smee = await unlessStopped(loadSmeeClient());
        if (stopped) break;
        client = new Smee({
          source: deps.streamUrl,
          target: deps.targetUrl,
          logger: smeeLogger,
          fetch: createStreamFetch({
            token: deps.token,
            cursor: deps.cursor,
            onActivity: () => (lastActivity = monotonic()),
          }),
          maxConnectionTimeout: deps.connectTimeoutMs ?? 15_000,
        });
        builds += 1;
        lastActivity = monotonic();
        const events = await unlessStopped(client.start());
        if (stopped) break;
        events.addEventListener('message', (ev: MessageEvent) => deps.onStreamSeq?.(Number(ev.lastEventId)));
        attempt = 0;
        offlineSince = undefined;
        deps.onStatus('live', undefined);
        if (connectedBefore) deps.onReconnected();
        connectedBefore = true;
        const openedAt = monotonic();
        const why = await whileHealthy(events);
        if (why !== 'stopped') {
          logger.warn('relay stream lost; reconnecting', { why });
          markOffline();
          // A stream that dies right after opening is an outage too: back off instead of spinning.
          if (monotonic() - openedAt < QUICK_DEATH_MS) attempt += 1;
        }
      } catch (err) {
        if (stopped) break;
        logger.warn('relay stream connect failed', { attempt, error: String(err) });
        markOffline();
        attempt += 1;
      } finally {
        await client?.stop(); // always: a failed smee-client keeps retrying and would forward twice
      }
      if (stopped) break;
      if (attempt > 0) {
        deps.onStatus('offline', offlineSince);
        await sleep(backoffDelay(attempt - 1, deps.backoff ?? defaultBackoff, deps.random));
      }
    }
  };

  return {
    get builds() {
      return builds;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      stopRequested = new Promise<void>((resolve) => (signalStop = resolve));
      loop = run();
    },
    async stop() {
      stopped = true;
      signalStop();
      wake?.();
      await loop;
      loop = undefined;
    },
  };
}
