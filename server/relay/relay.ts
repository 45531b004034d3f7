import fs from 'node:fs';
import type { RelayConfig } from './config';
import { createApp } from './app';
import { Closers } from './closers';
import { GroupCommitter } from './committer';
import { createLogger } from './logger';
import { wakeAcrossInstances } from './cross-instance-wake';
import { startHttpServer, type RunningServer } from './http-server';
import { createMailer, createMailPacer, createThreadedPlanner, registerMailMetrics } from './mail';
import type { Mailer } from './mail';
import { createMetrics } from './metrics';
import { createProfiles } from './profile';
import { StreamHub } from './stream-hub';
import { createMailGate } from './trust/mail-gate';
import { openRelayStorage } from './store/open-relay-storage';
import type { OpenRelayStorage, RelayStorage } from './store/relay-storage';
import type { AppendOutcome, StoredEvent } from './store/types';

/** A channel with no secret and no event this long after its creation was never set up. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

/** Called after an event is durably committed (mail outbox and other later features hook in here). */
export type EventStoredListener = (channelId: string, event: StoredEvent) => void;

/** A running (or startable) relay. */
export interface Relay {
  /** Opens storage, listens, and resolves with the base URL (the real port when RELAY_PORT is 0). */
  start(): Promise<string>;
  /** Stops accepting, finishes in-flight commits, ends streams, closes storage. */
  stop(): Promise<void>;
  /** Base URL it listens on (empty before start). */
  readonly url: string;
  /** Subscribes to committed events; returns an unsubscribe function. */
  onEventStored(listener: EventStoredListener): () => void;
  /** Runs one retention pass now; resolves with the number of events deleted. */
  prune(): Promise<number>;
  /** Where booking emails go: the SMTP server, or the folder of .eml files (empty before start). */
  readonly mailDestination: string;
}

/** Options for embedding and tests: an injectable clock (retention, receivedAt) and log destination. */
export interface RelayOptions {
  readonly now?: () => number;
  /** Where JSON logs go (default stdout). */
  readonly logDestination?: NodeJS.WritableStream;
  /**
   * Opens the storage bundle (default openRelayStorage: the engine named by config.storage). Tests pass one that
   * wraps a real bundle, to fault its event log or reach its SQLite file.
   */
  readonly openStorage?: OpenRelayStorage;
  /**
   * The Cal.com API identities are verified against, when only known after start (a sandbox started on port 0
   * after the relay, as scripts/dev-stack.ts does); default config.trust.calcomApiUrl.
   */
  readonly calcomApiUrl?: () => string;
}

/** Creates the relay; nothing runs until start(). */
export function createRelay(config: RelayConfig, options: RelayOptions = {}): Relay {
  const now = options.now ?? Date.now;
  const logger = createLogger(config.logLevel, options.logDestination);
  const listeners = new Set<EventStoredListener>();
  const hub = new StreamHub();
  // During a burst of webhooks their emails wait their turn, so Cal.com is answered at ingest speed (issue 18).
  const pacer = createMailPacer();
  // What start() opened, closed in reverse by stop() (or by a start that fails half way).
  const closers = new Closers((name, err) => logger.error({ err, step: name }, 'relay shutdown step failed'));
  let storage: RelayStorage | undefined;
  let server: RunningServer | undefined;
  let committer: GroupCommitter | undefined;
  let closeChannel: ((id: string) => Promise<void>) | undefined;
  let mailer: Mailer | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let starting = false;
  let shuttingDown = false;
  let stopping: Promise<void> | undefined;
  const url = () => server?.url ?? '';
  const publicUrl = () => config.publicUrl ?? url();
  const metrics = createMetrics(
    () => storage?.events,
    (err) => logger.error({ err }, 'metrics storage read failed'),
  );
  registerMailMetrics(
    metrics.registry,
    {
      stats: () => mailer?.stats() ?? Promise.resolve({ pending: 0, sent: 0, failed: 0 }),
      unplanned: () => mailer?.unplanned() ?? 0,
    },
    (err) => logger.error({ err }, 'mail metrics failed'),
  );

  const prune = async (): Promise<number> => {
    if (!storage) return 0;
    const t = now();
    const n = await storage.events.prune({
      unackedBefore: t - config.retention.unackedMs,
      ackedBefore: t - config.retention.ackedMs,
    });
    if (n > 0) logger.info({ deleted: n }, 'retention pruned events');
    // The app sets a new channel's secret right after creating it: one still without a secret or any event a day
    // later was never set up, and anyone can create channels. Closed like DELETE /api/channels/:id.
    const close = closeChannel; // set once the app is up
    if (close) {
      const abandoned = await storage.events.abandonedChannels(t - ABANDONED_AFTER_MS, 1000);
      for (const id of abandoned) await close(id);
      if (abandoned.length > 0) logger.info({ closed: abandoned.length }, 'retention closed channels never set up');
    }
    return n;
  };

  /** Calls every onEventStored listener for each committed event, then hands each channel's events to its streams. */
  const onCommitted = (outcomes: readonly AppendOutcome[]) => {
    const byChannel = new Map<string, StoredEvent[]>();
    pacer.noteIngest(outcomes.length);
    for (const o of outcomes) {
      if (!o.ok) continue;
      const events = byChannel.get(o.event.channelId);
      if (events) events.push(o.event);
      else byChannel.set(o.event.channelId, [o.event]);
      for (const l of listeners) {
        try {
          l(o.event.channelId, o.event);
        } catch (err) {
          logger.error({ err }, 'onEventStored listener failed');
        }
      }
    }
    for (const [id, events] of byChannel) hub.deliver(id, events);
  };

  const open = async (): Promise<string> => {
    fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const s = await (options.openStorage ?? openRelayStorage)(config.storage, {
      onConnectionError: (err) => logger.warn({ err }, 'storage connection error'),
      onCheckpointError: (err) =>
        logger.warn({ err }, 'WAL checkpoint thread failed; the relay checkpoints on its own thread again'),
    });
    storage = s;
    closers.push('storage', () => s.close());
    // Profiles, trust and the mail outbox live beside the events (see RelayStorage): in the SQLite file, or in the
    // shared PostgreSQL database.
    const profiles = createProfiles(s.profiles, now);
    const gate = createMailGate({
      trust: s.trust,
      profiles,
      config: config.trust,
      registry: metrics.registry,
      logger: logger.child({ component: 'mail' }),
      now,
    });
    const activeMailer = createMailer({
      outbox: s.outbox,
      dataDir: config.dataDir,
      smtpUrl: config.smtpUrl,
      mailFrom: config.mailFrom,
      smtpMaxConnections: config.smtpMaxConnections,
      publicUrl,
      profiles,
      logger: logger.child({ component: 'mail' }),
      now,
      // Planning (parse + recipients) and rendering (at send time) run on a worker thread, off the ingest loop.
      planner: createThreadedPlanner((err) => logger.error({ err }, 'email planner thread failed')),
      gate,
      pacer,
      // Jobs point at stored events and are rendered when sent: the event log is where a job's body is read back,
      // and where catch-up finds events whose emails were not planned before a restart.
      eventReader: s.events,
      eventLog: s.events,
    });
    mailer = activeMailer;
    closers.push('mailer', () => activeMailer.stop());
    listeners.add((channelId, event) => activeMailer.onEventStored(channelId, event));
    // Several instances on one database: streams here must also wake for commits made by the others.
    if (s.wake) {
      const stopWaking = wakeAcrossInstances(s.wake.commits, hub, {
        pollMs: s.wake.pollMs,
        onError: (err) => logger.warn({ err }, 'shared storage poll failed'),
      });
      closers.push('cross-instance wake', stopWaking);
    }
    committer = new GroupCommitter(s.events, onCommitted, { maxChannelBytes: config.ingestQuota.maxChannelBytes });
    const app = createApp({
      config,
      store: s.events,
      committer,
      hub,
      metrics,
      logger,
      now,
      publicUrl,
      isShuttingDown: () => shuttingDown,
      profiles,
      trust: s.trust,
      calcomApiUrl: options.calcomApiUrl ?? (() => config.trust.calcomApiUrl),
      onChannelDeleted: async (id) => {
        await profiles.remove(id);
        await activeMailer.forgetChannel(id);
        await s.trust.unbindChannel(id);
      },
    });
    let refusedLogged = 0;
    closeChannel = app.closeChannel;
    server = await startHttpServer(app.listener, {
      host: config.host,
      port: config.port,
      http: config.http,
      onRefused: (address) => {
        // One line per minute at most: a flood must not turn into a log flood.
        if (Date.now() - refusedLogged > 60_000) {
          refusedLogged = Date.now();
          logger.warn(
            { address, max: config.http.maxConnectionsPerIp },
            'connection refused: too many open connections from one address',
          );
        }
      },
    });
    await activeMailer.start();
    void prune().catch((err: unknown) => logger.error({ err }, 'retention pass failed'));
    pruneTimer = setInterval(
      () => void prune().catch((err: unknown) => logger.error({ err }, 'retention pass failed')),
      config.retention.pruneIntervalMs,
    );
    pruneTimer.unref();
    logger.info({ url: url(), publicUrl: publicUrl(), mail: activeMailer.destination }, 'relay listening');
    return url();
  };

  return {
    get url() {
      return url();
    },
    onEventStored(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    prune,
    get mailDestination() {
      return mailer?.destination ?? '';
    },
    async start() {
      if (starting) throw new Error('relay already started');
      starting = true;
      try {
        return await open();
      } catch (err) {
        // Close what the failed start had opened (storage, mail thread), so the process is not held open.
        await closers.closeAll();
        starting = false;
        throw err;
      }
    },
    stop() {
      stopping ??= (async () => {
        shuttingDown = true;
        clearInterval(pruneTimer);
        const closing = server?.stopAccepting();
        // End streams so clients reconnect (to us after a restart, or to another instance) instead of hanging.
        hub.endAll();
        await committer?.drain();
        // In-flight ingests have committed by the end of the grace period; then the server closes.
        await closing?.finish(5000);
        // Requests cut by the grace timeout may still have appends queued: commit them before closing storage.
        await committer?.drain();
        await closers.closeAll();
        logger.info('relay stopped');
      })();
      return stopping;
    },
  };
}
