import { join } from 'node:path';
import type { ApiHandlers } from '../../common/api';
import { auditedTokenFetch } from './audit/audited-fetch';
import { createAuditLog } from './audit/audit-log';
import type { SyncBookingStore } from './bookings/booking-store';
import { openBookingStore } from './bookings/booking-store';
import { createBookingDb } from './bookings/booking-db';
import { createBookingHandlers } from './bookings/booking-handlers';
import { createBookingWriteApi } from './calcom/booking-write-api';
import { createCalcomClient } from './calcom/calcom-client';
import type { CalcomHttpDeps } from './calcom/calcom-http';
import { createCalcomHttp } from './calcom/calcom-http';
import { createTokenManager } from './calcom/token-manager';
import { createDebugMode, tapRelayEvents } from './debug/debug-mode';
import { createActivityLog } from './diagnostics/activity-log';
import { createDiagnosticsHandlers } from './diagnostics/diagnostics-handlers';
import { parseAppDeepLink } from './integration/app-deep-link';
import { createChannelUpkeep } from './integration/channel-upkeep';
import type { HealGuardOptions } from './integration/heal-guard';
import { createConnectionControl } from './integration/connection-control';
import { deviceIdOf } from './integration/device-id';
import { createEmailSourceSettler } from './integration/email-source';
import type { ConnectStepName, IntegrationRecord } from './integration/integration-records';
import { patchIntegration, readIntegration } from './integration/integration-records';
import { publishProfile } from './integration/profile-publisher';
import { SyncRunner } from './integration/sync-runner';
import { newWebhookSecret } from './integration/webhook-secret';
import { refreshGrant } from './oauth/token-endpoint';
import { createOpenHandlers } from './open-handlers';
import type { AppCore, AppCorePorts, Clock } from './ports';
import { createRelayClient } from './relay-client/relay-client';
import { createSettingsHandlers } from './settings/settings-handlers';
import { createAppStateFeed } from './state/app-state-feed';
import type { SyncEngineInput, SyncTuning } from './sync/sync-engine';
import { createSyncEngine } from './sync/sync-engine';
import type { SyncEngine } from './sync/sync-types';

/** Test seams; production passes none and gets the real booking store, sync engine and timings. */
export interface AppCoreOverrides {
  readonly openBookingStore?: (file: string) => SyncBookingStore;
  readonly createSyncEngine?: (deps: SyncEngineInput) => SyncEngine;
  readonly newWebhookSecret?: () => string;
  /** Called after each connect step is recorded (tests interrupt here). */
  readonly afterConnectStep?: (step: ConnectStepName) => void | Promise<void>;
  readonly stateTtlMs?: number;
  /** Relay channel status poll (default 60 s) and the quicker probe while sync is offline (default 15 s). */
  readonly channelPollMs?: number;
  readonly offlineProbeMs?: number;
  /** Limits on re-creating a lost relay channel (default: 3 an hour, 30 s pause doubling on failure). */
  readonly healGuard?: HealGuardOptions;
  /** Sync timings (issue 22: e2e tests shrink the failure thresholds and retry delays). */
  readonly syncTuning?: SyncTuning;
  /** Debug mode for the whole run (default: LIFESCORE_DEBUG=1 in the environment; issue 19). */
  readonly debugEnv?: boolean;
}

/**
 * Builds the app's core from its ports: wiring only. Each concern lives in its own module — the state feed
 * (state/), connection control and channel upkeep (integration/), bookings, settings, diagnostics and the open
 * handlers — and this function connects them, answers deep links and runs the lifecycle.
 */
export function createAppCore(ports: AppCorePorts, overrides: AppCoreOverrides = {}): AppCore {
  const { config, keychain, settings } = ports;
  const clock: Clock = ports.clock ?? { now: () => Date.now() };
  // Every core log line also goes to an in-memory ring that Settings → Diagnostics shows (redacted).
  const activityLog = createActivityLog(200, () => clock.now());
  const logger = activityLog.tee(ports.logger);
  const databaseFile = join(ports.dataDir, 'bookings.db');
  const env = overrides.debugEnv ?? process.env.LIFESCORE_DEBUG === '1';
  const debug = createDebugMode({ env, until: () => settings.read().debugUntil, now: () => clock.now() });
  /** Debug mode's verbose lines go to the log file (and the activity ring), never with bodies or secrets. */
  const verbose = (message: string, fields: Record<string, unknown>) => {
    if (debug.active()) logger.info(`debug: ${message}`, fields);
  };
  // Issue 19: every Cal.com call and OAuth exchange goes on record (main/core/audit); nothing before start() opens it.
  const audit = createAuditLog({ clock, logger, verbose });
  const tokenFetch = auditedTokenFetch(ports.fetch, audit.sink, () => clock.now());
  const db = createBookingDb();
  const integration = () => readIntegration(settings);
  const newSecret = overrides.newWebhookSecret ?? (() => newWebhookSecret((n) => ports.random.bytes(n)));
  const deviceId = () => deviceIdOf(settings, (n) => ports.random.bytes(n));

  const feed = createAppStateFeed({
    config,
    settings,
    clock,
    logger,
    syncState: () => sync.state(),
    pendingAuthorizeUrl: () => connection.pendingAuthorizeUrl(),
  });

  const tokens = createTokenManager({
    keychain,
    clock,
    logger,
    refresh: (rt) =>
      refreshGrant({ calcomApiUrl: config.calcomApiUrl, clientId: config.clientId, fetch: tokenFetch }, rt),
    onReconnectNeeded: () => connection.reconnectNeeded(),
  });
  const calcomHttp = (t: CalcomHttpDeps['tokens'], maxAttempts?: number) =>
    createCalcomHttp({
      apiUrl: config.calcomApiUrl,
      tokens: t,
      clock,
      logger,
      audit: audit.sink,
      fetch: ports.fetch,
      sleep: ports.sleep,
      random: () => ports.random.fraction(),
      ...(maxAttempts ? { maxAttempts } : {}),
    });
  const calcom = createCalcomClient(calcomHttp(tokens));
  const relayFor = (relayUrl: string) => createRelayClient({ relayUrl, fetch: ports.fetch });

  const sync = new SyncRunner({
    keychain,
    logger,
    clock,
    fetch: ports.syncFetch,
    random: () => ports.random.fraction(),
    bookingsSource: calcom,
    createSyncEngine: overrides.createSyncEngine ?? createSyncEngine,
    emit: feed.emit,
    notify: ports.notify,
    ...(overrides.syncTuning ? { tuning: overrides.syncTuning } : {}),
    onChange: () => {
      upkeep.syncChanged();
      feed.push();
    },
    onLastSynced: (at) => {
      patchIntegration(settings, { lastSyncedAt: at });
      feed.push();
    },
  });
  const syncControl = {
    start: async (record: IntegrationRecord) => {
      const store = db.current();
      if (store) await sync.start(store, record);
    },
    stop: () => sync.stop(),
    running: () => sync.running(),
    syncNow: () => sync.syncNow(),
    offline: () => sync.state().status === 'offline',
  };

  const publish = async () => {
    const answer = await publishProfile({ keychain, settings, relayFor, logger });
    if (answer) feed.noteProfileAnswer(answer);
  };
  // Issue 19: one sender of client emails (integration/email-source.ts).
  const onFallBack = feed.notice;
  const settleEmailSource = createEmailSourceSettler({ calcom, settings, integration, logger, onFallBack });

  const upkeep = createChannelUpkeep({
    calcom,
    relayFor,
    keychain,
    settings,
    clock,
    logger,
    accessToken: () => tokens.accessToken(),
    deviceId,
    newWebhookSecret: newSecret,
    sync: syncControl,
    connecting: feed.connecting,
    publish,
    notice: feed.notice,
    pushState: feed.push,
    ...(overrides.healGuard ? { healGuard: overrides.healGuard } : {}),
    ...(overrides.channelPollMs !== undefined ? { pollMs: overrides.channelPollMs } : {}),
    ...(overrides.offlineProbeMs !== undefined ? { offlineProbeMs: overrides.offlineProbeMs } : {}),
  });

  const connection = createConnectionControl({
    config,
    keychain,
    settings,
    clock,
    logger,
    openExternal: ports.openExternal,
    notify: ports.notify,
    tokenFetch,
    random: (n) => ports.random.bytes(n),
    calcom,
    // The newcomer's tokens as they are: no refresh, and only one retry.
    calcomWith: (token) => {
      const fixed = { accessToken: async () => token, refreshAfterUnauthorized: async () => token };
      return createCalcomClient(calcomHttp(fixed, 2));
    },
    tokens,
    relayFor,
    deviceId,
    newWebhookSecret: newSecret,
    sync: syncControl,
    feed,
    publish,
    settleEmailSource,
    nudgeChannel: () => upkeep.nudge(),
    ...(overrides.stateTtlMs ? { stateTtlMs: overrides.stateTtlMs } : {}),
    ...(overrides.afterConnectStep ? { afterConnectStep: overrides.afterConnectStep } : {}),
  });

  const handlers: ApiHandlers = {
    getState: async () => feed.state(),
    ...connection.handlers,
    ...createSettingsHandlers({
      settings,
      calcom,
      calcomAppUrl: config.calcomAppUrl,
      clock,
      logger,
      settleEmailSource,
      publish,
      pushState: feed.push,
      state: feed.state,
    }),
    ...createBookingHandlers({
      db,
      // Booking actions try once: the consultant sees "Cal.com is down, retry" at once instead of a blind re-send.
      writeApi: createBookingWriteApi(calcomHttp(tokens, 1)),
      settings,
      logger,
      emit: feed.emit,
      pushState: feed.push,
      syncNow: () => sync.syncNow(),
    }),
    async refreshChannelStatus() {
      await upkeep.nudge();
      return feed.state();
    },
    ...createOpenHandlers(ports),
    ...createDiagnosticsHandlers({
      version: config.version,
      runtime: ports.runtime,
      dataDir: ports.dataDir,
      databaseFile,
      settings,
      activityLog,
      db,
      audit,
      debug,
    }),
    // A core exists only when the configuration resolved; the setup stand-in answers otherwise (config/setup-core.ts).
    getSetupStatus: async () => ({ configured: true }),
    // The Electron glue answers this itself (its deep-link outbox); other hosts have nothing to release.
    rendererReady: async () => null,
  };

  return {
    handlers,
    onEvent: feed.onEvent,
    async handleDeepLink(url) {
      const link = parseAppDeepLink(url);
      if (link.kind === 'open-booking') return feed.emit({ type: 'open-booking', uid: link.uid });
      const handled = await connection.handleCallbackUrl(url);
      if (handled.outcome === 'accepted') await handled.done;
    },
    async start() {
      // Debug mode sees each webhook the relay delivers (redacted at once, debug/debug-mode.ts).
      const store = (overrides.openBookingStore ?? openBookingStore)(databaseFile);
      db.set(
        tapRelayEvents(store, (body, trigger, seq, kind) => {
          verbose('webhook received', { channelSeq: seq, trigger: trigger ?? 'unknown', kind, bytes: body.length });
          debug.capture(body, trigger);
        }),
      );
      // After the store: it migrates the file (calcom_audit is one of its migrations).
      audit.open(databaseFile);
      const connected = await connection.resume();
      upkeep.start();
      if (connected) void upkeep.nudge();
      feed.push();
    },
    async stop() {
      await upkeep.stop();
      await connection.close();
      await sync.stop();
      db.close();
      audit.close();
    },
  };
}
