import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { RelayConfig, StorageConfig } from './config';
import { createApp } from './app';
import { GroupCommitter } from './committer';
import { capConnectionsPerIp } from './connection-cap';
import { trackConnections } from './connection-tracker';
import { createLogger } from './logger';
import { wakeAcrossInstances } from './cross-instance-wake';
import { createMailer, createSqliteOutboxStore, createThreadedPlanner, registerMailMetrics } from './mail';
import type { Mailer } from './mail';
import { createMetrics } from './metrics';
import { createProfiles, createSqliteProfileStore } from './profile';
import { StreamHub } from './stream-hub';
import { createMailGate } from './trust/mail-gate';
import { createSqliteTrustStore } from './trust/sqlite-trust-store';
import { openModuleStores } from './store/open-module-stores';
import { openStore } from './store/open-store';
import { openSqliteDatabase, type SqliteRelayStore } from './store/sqlite-store';
import { startWalCheckpointer, type WalCheckpointer } from './store/wal-checkpointer';
import type { RelayStore, StoredEvent } from './store/types';

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
  /** Opens the storage (default: the adapter named by config.storage). */
  readonly openStore?: (config: StorageConfig) => RelayStore | Promise<RelayStore>;
  /**
   * The Cal.com API identities are verified against, when only known after start (a sandbox started on port 0
   * after the relay, as scripts/dev-stack.ts does); default config.trust.calcomApiUrl.
   */
  readonly calcomApiUrl?: () => string;
}

function formatUrl(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/** Creates the relay; nothing runs until start(). */
export function createRelay(config: RelayConfig, options: RelayOptions = {}): Relay {
  const now = options.now ?? Date.now;
  const logger = createLogger(config.logLevel, options.logDestination);
  const listeners = new Set<EventStoredListener>();
  const hub = new StreamHub();
  let store: RelayStore | undefined;
  let server: http.Server | undefined;
  let connections: { closeIdle(): void } | undefined;
  let committer: GroupCommitter | undefined;
  let checkpointer: WalCheckpointer | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let stopWaking: (() => void) | undefined;
  let stopSideDb: (() => void) | undefined;
  let url = '';
  let shuttingDown = false;
  let stopping: Promise<void> | undefined;
  let mailer: Mailer | undefined;
  const metrics = createMetrics(
    () => store,
    (err) => logger.error({ err }, 'metrics storage read failed'),
  );
  registerMailMetrics(metrics.registry, { stats: () => mailer?.stats() ?? Promise.resolve({ pending: 0, sent: 0, failed: 0 }) }, (err) =>
    logger.error({ err }, 'mail metrics failed'),
  );

  const prune = async (): Promise<number> => {
    if (!store) return 0;
    const t = now();
    const n = await store.prune({ unackedBefore: t - config.retention.unackedMs, ackedBefore: t - config.retention.ackedMs });
    if (n > 0) logger.info({ deleted: n }, 'retention pruned events');
    return n;
  };

  return {
    get url() {
      return url;
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
      if (server) throw new Error('relay already started');
      fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      const s = await (options.openStore ?? ((c: StorageConfig) => openStore(c, { onError: (err) => logger.warn({ err }, 'storage connection error') })))(
        config.storage,
      );
      store = s;
      if ('database' in s) {
        checkpointer = startWalCheckpointer((s as SqliteRelayStore).database, {
          onError: (err) => logger.warn({ err }, 'WAL checkpoint thread failed; the relay checkpoints on its own thread again'),
        });
      }
      // Profiles and the mail outbox live beside the events: in the SQLite file, or in the shared PostgreSQL database
      // (one profile for every instance; each email is claimed by one worker and deduplicated by key, so event-log
      // catch-up is safe on every instance). A store that is neither (a test double) gets a local SQLite file and
      // skips catch-up.
      const local = 'database' in s || 'pool' in s ? undefined : openSqliteDatabase(path.join(config.dataDir, 'mail.sqlite'));
      const modules = local
        ? { outbox: createSqliteOutboxStore(local), profiles: createSqliteProfileStore(local), trust: createSqliteTrustStore(local) }
        : await openModuleStores(s);
      const profiles = createProfiles(modules.profiles, now);
      const gate = createMailGate({ trust: modules.trust, profiles, config: config.trust, registry: metrics.registry, logger: logger.child({ component: 'mail' }), now });
      const activeMailer = createMailer({
        outbox: modules.outbox,
        dataDir: config.dataDir,
        smtpUrl: config.smtpUrl,
        mailFrom: config.mailFrom,
        publicUrl: () => config.publicUrl ?? url,
        profiles,
        logger: logger.child({ component: 'mail' }),
        now,
        // Planning (parse + recipients) and rendering (at send time) run on a worker thread, off the ingest loop.
        planner: createThreadedPlanner((err) => logger.error({ err }, 'email planner thread failed')),
        gate,
        // Jobs point at stored events and are rendered when sent: the event log is where a job's body is read back.
        eventReader: s,
        ...(local ? {} : { eventLog: s }),
      });
      mailer = activeMailer;
      listeners.add((channelId, event) => activeMailer.onEventStored(channelId, event));
      const closeSideDb = local ? () => local.close() : undefined;
      // Several instances on one database: streams here must also wake for commits made by the others.
      if (s.shared) {
        const pollMs = config.storage.kind === 'postgres' ? config.storage.pollMs : undefined;
        stopWaking = wakeAcrossInstances(s.shared, hub, { pollMs, onError: (err) => logger.warn({ err }, 'shared storage poll failed') });
      }
      committer = new GroupCommitter(s, (outcomes) => {
        const woken = new Set<string>();
        for (const o of outcomes) {
          if (!o.ok) continue;
          woken.add(o.event.channelId);
          for (const l of listeners) {
            try {
              l(o.event.channelId, o.event);
            } catch (err) {
              logger.error({ err }, 'onEventStored listener failed');
            }
          }
        }
        for (const id of woken) hub.wake(id);
      });
      const app = createApp({
        config,
        store: s,
        committer,
        hub,
        metrics,
        logger,
        now,
        publicUrl: () => config.publicUrl ?? url,
        isShuttingDown: () => shuttingDown,
        profiles,
        trust: modules.trust,
        calcomApiUrl: options.calcomApiUrl ?? (() => config.trust.calcomApiUrl),
        onChannelDeleted: async (id) => {
          await profiles.remove(id);
          await activeMailer.forgetChannel(id);
          await modules.trust.unbindChannel(id);
        },
      });
      // Node checks header/request deadlines only every connectionsCheckingInterval (default 30 s): check often
      // enough that a slowloris client is cut close to the configured deadline.
      const checkEvery = Math.max(100, Math.min(5_000, Math.floor(config.http.headersTimeoutMs / 4)));
      const srv = http.createServer({ connectionsCheckingInterval: checkEvery }, app);
      let refusedLogged = 0;
      capConnectionsPerIp(srv, config.http.maxConnectionsPerIp, (address) => {
        // One line per minute at most: a flood must not turn into a log flood.
        if (Date.now() - refusedLogged > 60_000) {
          refusedLogged = Date.now();
          logger.warn({ address, max: config.http.maxConnectionsPerIp }, 'connection refused: too many open connections from one address');
        }
      });
      connections = trackConnections(srv);
      // Slow-loris guard for ingest; streams disable the socket timeout themselves.
      srv.headersTimeout = config.http.headersTimeoutMs;
      srv.requestTimeout = config.http.requestTimeoutMs;
      server = srv;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(config.port, config.host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      url = formatUrl(config.host, (srv.address() as AddressInfo).port);
      await activeMailer.start();
      stopSideDb = closeSideDb;
      void prune().catch((err: unknown) => logger.error({ err }, 'retention pass failed'));
      pruneTimer = setInterval(() => void prune().catch((err: unknown) => logger.error({ err }, 'retention pass failed')), config.retention.pruneIntervalMs);
      pruneTimer.unref();
      logger.info({ url, publicUrl: config.publicUrl ?? url, mail: activeMailer.destination }, 'relay listening');
      return url;
    },
    stop() {
      stopping ??= (async () => {
        shuttingDown = true;
        clearInterval(pruneTimer);
        const srv = server;
        const closed = srv ? new Promise<void>((r) => srv.close(() => r())) : Promise.resolve();
        // End streams so clients reconnect (to us after a restart, or to another instance) instead of hanging.
        hub.endAll();
        await committer?.drain();
        // Connections become idle as their last response finishes; keep closing them until none is left, and
        // cut whatever is still open after the grace period (in-flight ingests have committed by then).
        connections?.closeIdle();
        const idle = setInterval(() => connections?.closeIdle(), 50);
        const force = setTimeout(() => srv?.closeAllConnections(), 5000);
        await closed;
        clearInterval(idle);
        clearTimeout(force);
        // Requests cut by the grace timeout may still have appends queued: commit them before closing storage.
        await committer?.drain();
        stopWaking?.();
        await mailer?.stop();
        stopSideDb?.();
        await checkpointer?.stop();
        await store?.close();
        logger.info('relay stopped');
      })();
      return stopping;
    },
  };
}
