import { join } from 'node:path';
import type { ApiHandlers, PushEvent } from '../../common/api';
import type { AppState } from '../../common/app-state';
import type { TokenResponse } from '../../common/calcom';
import { AppFailure, toAppError } from '../../common/errors';
import type { SyncBookingStore } from './bookings/booking-store';
import { openBookingStore } from './bookings/booking-store';
import { createActivityLog } from './diagnostics/activity-log';
import { collectDiagnostics } from './diagnostics/collect-diagnostics';
import { createCalcomClient } from './calcom/calcom-client';
import { createCalcomHttp } from './calcom/calcom-http';
import { createBookingWriteApi } from './calcom/booking-write-api';
import { createBookingActions } from './actions/booking-actions';
import type { AuditStore } from './audit/audit-store';
import { auditCsv, openAuditStore } from './audit/audit-store';
import type { AuditSink } from './audit/audited-fetch';
import { auditedTokenFetch } from './audit/audited-fetch';
import { calcomScopes } from '../../common/calcom';
import { createTokenManager } from './calcom/token-manager';
import { parseAppDeepLink } from './integration/app-deep-link';
import { applyEventTypePlan } from './integration/apply-event-types';
import { saveServiceDetails } from './integration/service-details';
import { createEmailSourceSettler } from './integration/email-source';
import { createDebugMode, tapRelayEvents, withDebug } from './debug/debug-mode';
import type { ConnectActivity } from './integration/connection-state';
import { lacksBookingWrite, toConnectionState } from './integration/connection-state';
import type { ConnectStepName, IntegrationRecord } from './integration/integration-records';
import { recordKeys } from './integration/integration-records';
import { disconnect as runDisconnect, runPendingCleanup } from './integration/disconnect';
import { runConnectSetup } from './integration/connect-setup';
import { OAuthFlow } from './oauth/oauth-flow';
import { keychainPendingStore } from './oauth/pending-attempt';
import type { RandomBytes } from './oauth/pkce';
import type { FetchFn } from './oauth/token-endpoint';
import { refreshGrant } from './oauth/token-endpoint';
import type { AppCore, AppCorePorts, Clock } from './ports';
import { createRelayClient } from './relay-client/relay-client';
import type { SyncEngineInput, SyncTuning } from './sync/sync-engine';
import { createSyncEngine } from './sync/sync-engine';
import type { SyncEngine } from './sync/sync-types';
import { isAllowedExternal } from '../../common/external-url-policy';
import { SyncRunner } from './integration/sync-runner';
import { publishProfile } from './integration/profile-publisher';
import { mergeSettings } from './settings/merge-settings';
import type { ConnectionExtras } from './integration/connection-state';
import { createChannelWatch } from './integration/channel-watch';
import { healChannel } from './integration/channel-heal';
import type { HealGuardOptions } from './integration/heal-guard';
import { HealGuard } from './integration/heal-guard';
import { deviceIdOf } from './integration/device-id';
import { keychainAccounts } from './keychain/keychain-accounts';
import { isChannelGone } from './relay-client/relay-client';

/** Test seams; production passes none and gets the real booking store, sync engine and network. */
export interface AppCoreOverrides {
  readonly fetch?: FetchFn;
  readonly random?: RandomBytes;
  readonly openBookingStore?: (file: string) => SyncBookingStore;
  readonly createSyncEngine?: (deps: SyncEngineInput) => SyncEngine;
  readonly sleep?: (ms: number) => Promise<void>;
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

/** How long disconnect waits for a last reconciliation before tearing the channel down. */
const DRAIN_BUDGET_MS = 5_000;

/** Builds the app's core from its ports: implements every ApiHandlers method, push events, deep links and lifecycle. */
export function createAppCore(ports: AppCorePorts, overrides: AppCoreOverrides = {}): AppCore {
  const { config, keychain, settings } = ports;
  const clock: Clock = ports.clock ?? { now: () => Date.now() };
  // Every core log line also goes to an in-memory ring that Settings → Diagnostics shows (redacted).
  const activityLog = createActivityLog(200, () => clock.now());
  const logger = activityLog.tee(ports.logger);
  const databaseFile = join(ports.dataDir, 'bookings.db');
  const listeners = new Set<(e: PushEvent) => void>();
  let activity: ConnectActivity = {};
  let extras: ConnectionExtras = {};
  let store: SyncBookingStore | null = null;
  // Issue 19: every Cal.com call and OAuth exchange goes on record (main/core/audit); nothing before start() opens it.
  let audit: AuditStore | null = null;
  const debug = createDebugMode({ env: overrides.debugEnv ?? process.env.LIFESCORE_DEBUG === '1', until: () => settings.read().debugUntil, now: () => clock.now() });
  /** Debug mode's verbose lines go to the log file (and the activity ring), never with bodies or secrets. */
  const verbose = (message: string, fields: Record<string, unknown>) => {
    if (debug.active()) logger.info(`debug: ${message}`, fields);
  };
  const auditSink: AuditSink = (r) => {
    verbose('calcom call', { kind: r.kind, method: r.method, path: r.path, status: r.status ?? r.outcome, durationMs: r.durationMs, attempt: r.attempt, afterRefresh: r.afterRefresh });
    try {
      audit?.record(r);
    } catch (err) {
      logger.warn('audit log write failed', { err: String(err) });
    }
  };
  const tokenFetch = auditedTokenFetch(overrides.fetch ?? ((input, init) => fetch(input, init)), auditSink, () => clock.now());

  const emit = (event: PushEvent) => {
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        logger.error('push listener threw', { err: String(err) });
      }
    }
  };
  const integration = () => settings.readRecord<IntegrationRecord>(recordKeys.integration);
  const state = (): AppState => ({
    connection: toConnectionState(integration(), { ...activity, ...(activity.step === 'waiting-for-browser' ? { authorizeUrl: flow.pendingUrl() } : {}) }, extras),
    sync: sync.state(),
    services: servicesOf(settings.read().services),
    version: config.version,
  });
  const pushState = () => emit({ type: 'state', state: state() });
  const toast = (level: 'info' | 'error', message: string) => emit({ type: 'toast', level, message });
  const setActivity = (next: ConnectActivity) => {
    activity = next;
    pushState();
  };
  const updateIntegration = (patch: Partial<IntegrationRecord>) => {
    const current = integration();
    if (current) settings.writeRecord(recordKeys.integration, { ...current, ...patch });
  };

  const tokens = createTokenManager({
    keychain,
    clock,
    logger,
    refresh: (rt) => refreshGrant({ calcomApiUrl: config.calcomApiUrl, clientId: config.clientId, fetch: tokenFetch }, rt),
    onReconnectNeeded: () => {
      updateIntegration({ reconnectNeeded: true });
      // Ask the relay whether this account was connected on another computer, so the state can say so.
      void watch.nudge();
      ports.notify('Reconnect Cal.com', 'LifeScore Consultant lost access to Cal.com. Open the app and reconnect.');
      pushState();
    },
  });
  const httpDeps = {
    apiUrl: config.calcomApiUrl,
    tokens,
    clock,
    logger,
    audit: auditSink,
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
  };
  const calcom = createCalcomClient(createCalcomHttp(httpDeps));
  // Booking actions try once: the consultant sees "Cal.com is down, retry" at once instead of a blind re-send (issue 19).
  const actions = createBookingActions({
    api: createBookingWriteApi(createCalcomHttp({ ...httpDeps, maxAttempts: 1 })),
    store: () => requireStore(),
    emit,
    logger,
    onPermissionMissing: () => {
      updateIntegration({ grantedScopes: (integration()?.grantedScopes ?? []).filter((s) => s !== 'BOOKING_WRITE') });
      pushState();
    },
  });
  const relayFor = (relayUrl: string) => createRelayClient({ relayUrl, ...(overrides.fetch ? { fetch: overrides.fetch } : {}) });
  const sync = new SyncRunner({
    keychain,
    logger,
    clock,
    bookingsSource: calcom,
    createSyncEngine: overrides.createSyncEngine ?? createSyncEngine,
    emit,
    notify: ports.notify,
    ...(overrides.syncTuning ? { tuning: overrides.syncTuning } : {}),
    onChange: () => {
      // An offline stream may mean the relay lost the channel (401): look at once, then keep probing while offline.
      const offline = sync.state().status === 'offline';
      if (offline && !wasOffline) void watch.nudge();
      wasOffline = offline;
      pushState();
    },
    onLastSynced: (at) => {
      updateIntegration({ lastSyncedAt: at });
      pushState();
    },
  });
  let wasOffline = false;
  const startSync = async (record: IntegrationRecord) => {
    if (store) await sync.start(store, record);
  };
  const publish = async () => {
    const answer = await publishProfile({ keychain, settings, relayFor, logger });
    if (!answer) return;
    extras = { ...extras, profileAnswer: answer };
    if (answer.status === 'taken' || answer.status === 'not-verified') toast('error', answer.message);
  };
  // Issue 19: one sender of client emails (integration/email-source.ts).
  const settleEmailSource = createEmailSourceSettler({
    calcom,
    settings,
    integration,
    logger,
    onFallBack: (message) => {
      extras = { ...extras, notice: { message, at: new Date(clock.now()).toISOString() } };
      toast('info', message);
    },
  });
  const deviceId = () => deviceIdOf(settings);
  const healGuard = new HealGuard(overrides.healGuard);

  /** Reads the channel's status at the relay into the record; a channel the relay no longer knows is re-created. */
  async function checkChannel(): Promise<void> {
    const record = integration();
    if (!record?.isConnected) return;
    const token = await keychain.get(keychainAccounts.relayToken).catch(() => null);
    if (!token) return;
    try {
      const status = await relayFor(record.channel.relayUrl).channelStatus(record.channel.channelId, token);
      const latest = integration();
      if (latest?.channel.channelId !== status.id) return; // reconnected meanwhile
      const next: IntegrationRecord = {
        ...latest,
        approval: status.approval,
        emailsActive: status.emailsActive,
        ...(status.identity ? { identity: status.identity } : {}),
        ...(status.profile ? { profileSlug: status.profile.slug, profileVisible: status.profile.visible } : {}),
      };
      const { otherDeviceSince: _dropped, ...rest } = next;
      void _dropped;
      const written: IntegrationRecord = status.otherDeviceSince ? { ...rest, otherDeviceSince: status.otherDeviceSince } : rest;
      if (JSON.stringify(written) !== JSON.stringify(latest)) {
        settings.writeRecord(recordKeys.integration, written);
        pushState();
      }
    } catch (err) {
      if (isChannelGone(err)) await healLostChannel(record);
      // Anything else (relay down, an older relay without this route) is not ours to fix: the next poll tries again.
    }
  }

  async function healLostChannel(record: IntegrationRecord): Promise<void> {
    if (record.reconnectNeeded || activity.step === 'exchanging' || activity.step === 'setting-up') return;
    if (!healGuard.tryStart(clock.now())) {
      logger.warn('relay channel lost; not re-creating it yet (heal limit)');
      return;
    }
    try {
      await sync.stop();
      const healed = await healChannel(
        { calcom, relayFor, keychain, settings, clock, logger, accessToken: () => tokens.accessToken(), deviceId: deviceId(), ...(overrides.newWebhookSecret ? { newSecret: overrides.newWebhookSecret } : {}) },
        record,
      );
      healGuard.succeeded();
      const message = 'The LifeScore relay had lost your connection (its data was reset). LifeScore set it up again and is catching up on bookings from Cal.com.';
      await publish();
      await startSync(healed); // starting sync reconciles with Cal.com, so nothing booked meanwhile is missed
      extras = { ...extras, notice: { message, at: new Date(clock.now()).toISOString() } };
      toast('info', message);
      pushState();
      void watch.nudge();
    } catch (err) {
      healGuard.failed();
      logger.error('re-creating the lost relay channel failed; will retry', { code: err instanceof AppFailure ? err.code : 'internal', err: String(err) });
      const still = integration();
      if (still?.isConnected && !sync.running()) await startSync(still).catch(() => undefined);
    }
  }

  const watch = createChannelWatch({
    check: checkChannel,
    isOffline: () => sync.state().status === 'offline',
    ...(overrides.channelPollMs !== undefined ? { intervalMs: overrides.channelPollMs } : {}),
    ...(overrides.offlineProbeMs !== undefined ? { offlineProbeMs: overrides.offlineProbeMs } : {}),
  });
  const disconnectDeps = { calcom, relayFor, keychain, settings, clock, logger, clearTokens: () => tokens.clear() };

  const flow = new OAuthFlow({
    config,
    clock,
    logger,
    fetch: tokenFetch,
    ...(overrides.random ? { random: overrides.random } : {}),
    ...(overrides.stateTtlMs ? { ttlMs: overrides.stateTtlMs } : {}),
    // A cold-start callback (the app was closed while the consultant was in the browser) still completes.
    pendingStore: keychainPendingStore(keychain),
    onExchanging: () => setActivity({ step: 'exchanging' }),
    onAuthorized: (t) => finishConnect(t),
    onFailed: (err) => {
      logger.warn('connect attempt ended', { code: err.code });
      setActivity({ error: toAppError(err), ...(err.code === 'oauth_denied' || err.code === 'oauth_expired' ? {} : { failed: true }) });
    },
  });

  async function finishConnect(t: TokenResponse): Promise<void> {
    try {
      setActivity({ step: 'setting-up' });
      await retireOtherAccountWebhook(t);
      await tokens.store(t);
      setActivity({ step: 'setting-up' });
      await sync.stop();
      const record = await runConnectSetup({
        calcom,
        relay: relayFor(settings.read().relayUrl),
        relayUrl: settings.read().relayUrl,
        relayFor,
        accessToken: () => tokens.accessToken(),
        deviceId: deviceId(),
        calcomAppUrl: config.calcomAppUrl,
        keychain,
        settings,
        clock,
        logger,
        services: servicesOf(settings.read().services),
        ...(overrides.newWebhookSecret ? { newSecret: overrides.newWebhookSecret } : {}),
        ...(overrides.afterConnectStep ? { afterStep: overrides.afterConnectStep } : {}),
      });
      extras = {};
      // Cal.com's token answer names the scopes it granted (optional in its DTO: then the requested ones were).
      updateIntegration({ grantedScopes: t.scope ? t.scope.split(/[ ,]+/).filter(Boolean) : [...calcomScopes] });
      if (settings.read().relayEmails) await settleEmailSource('lifescore');
      await publish();
      await startSync(record);
      // Only now "connected": the record, profile and sync engine are all in place.
      setActivity({});
      void watch.nudge();
      void runPendingCleanup(disconnectDeps).catch((err: unknown) => logger.warn('cleanup failed', { err: String(err) }));
    } catch (err) {
      logger.error('connect setup failed', { code: err instanceof AppFailure ? err.code : 'internal', err: String(err) });
      const progress = settings.readRecord<{ lastError?: string }>(recordKeys.progress);
      if (progress) settings.writeRecord(recordKeys.progress, { ...progress, lastError: toAppError(err).message });
      setActivity({ error: toAppError(err), failed: true });
      toast('error', toAppError(err).message);
      // A failed reconnect must not cost the live relay subscription of the connection that is still recorded.
      const still = integration();
      if (still?.isConnected && !sync.running()) await startSync(still).catch(() => undefined);
    }
  }

  /**
   * Switching to another Cal.com account: the old account's webhook can only be deleted with the old account's
   * tokens, so it goes before the new tokens replace them (connect-setup.ts removes the old channel and profile).
   */
  async function retireOtherAccountWebhook(t: TokenResponse): Promise<void> {
    const old = integration();
    if (!old?.isConnected || old.reconnectNeeded || !old.webhookId) return;
    const newcomer = createCalcomClient(
      createCalcomHttp({
        apiUrl: config.calcomApiUrl,
        tokens: { accessToken: async () => t.access_token, refreshAfterUnauthorized: async () => t.access_token },
        clock,
        logger,
        audit: auditSink,
        maxAttempts: 2,
        ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
        ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
      }),
    );
    if ((await newcomer.me()).id === old.userId) return;
    await sync.stop();
    await calcom.deleteWebhook(old.webhookId);
    logger.info('webhook of the previously connected account deleted', { userId: old.userId });
  }

  const requireStore = (): SyncBookingStore => {
    if (!store) throw new AppFailure('internal', 'The bookings database is not open yet.');
    return store;
  };

  const handlers: ApiHandlers = {
    getState: async () => state(),
    async connect({ switchAccount }) {
      if (activity.step === 'exchanging' || activity.step === 'setting-up') throw new AppFailure('already_connecting', 'Cal.com is being connected right now.');
      const current = integration();
      // A connection lacking a permission may connect again to grant it (issue 19: BOOKING_WRITE).
      if (current?.isConnected && !current.reconnectNeeded && !switchAccount && !lacksBookingWrite(current) && current.channel.relayUrl === settings.read().relayUrl) {
        throw new AppFailure('bad_input', 'Cal.com is already connected.');
      }
      if (!Object.values(settings.read().services).some(Boolean)) {
        throw new AppFailure('no_services_enabled', 'Turn on at least one service (30, 60 or 90 minutes) before connecting Cal.com.');
      }
      const authorizeUrl = await flow.begin();
      setActivity({ step: 'waiting-for-browser', authorizeUrl });
      await ports.openExternal(authorizeUrl).catch((err: unknown) => logger.warn('could not open the browser', { err: String(err) }));
      return { authorizeUrl };
    },
    async cancelConnect() {
      await flow.cancel();
      if (activity.step === 'waiting-for-browser') setActivity({});
      return null;
    },
    async disconnect({ hideEventTypes }) {
      if (activity.step === 'exchanging' || activity.step === 'setting-up') {
        throw new AppFailure('already_connecting', 'Cal.com is being connected right now; disconnect when that has finished.');
      }
      await flow.cancel();
      // Catch up once before the channel goes (DESIGN.md §3 "after draining it"), but never hold the consultant long.
      await Promise.race([sync.syncNow().catch(() => false), new Promise((r) => setTimeout(r, DRAIN_BUDGET_MS).unref())]);
      await sync.stop();
      // Cal.com's own client emails come back on when LifeScore's stop (issue 19), or kept event types would send none.
      if (settings.read().relayEmails) await settleEmailSource('calcom').catch(() => undefined);
      activity = {};
      const left = await runDisconnect(disconnectDeps, { hideEventTypes });
      pushState();
      if (left) toast('info', 'Disconnected. Some clean-up on Cal.com or the relay could not be done now; it will be retried automatically.');
      return null;
    },
    async setServices(services) {
      const current = integration();
      if (current?.isConnected && !current.reconnectNeeded) {
        const known = new Set(current.eventTypes.map((e) => e.id));
        const eventTypes = await applyEventTypePlan(calcom, config.calcomAppUrl, current.username, services, settings.read().serviceDetails ?? {});
        updateIntegration({ eventTypes });
        // Only a newly created event type needs Cal.com's emails turned off (the others were at connect).
        if (settings.read().relayEmails && eventTypes.some((e) => !known.has(e.id))) await settleEmailSource('lifescore');
      }
      settings.write({ ...settings.read(), services: { ...services } });
      await publish();
      pushState();
      return state();
    },
    async updateService({ duration, details }) {
      const next = await saveServiceDetails({ calcom, settings, integration, updateIntegration, calcomAppUrl: config.calcomAppUrl }, duration, details);
      await publish();
      pushState();
      return next;
    },
    listBookings: async (query) => requireStore().list(query),
    countBookings: async () => requireStore().counts(),
    getBooking: async ({ uid }) => requireStore().get(uid),
    markNoShow: ({ uid, noShow }) => actions.run({ uid, action: 'no-show', noShow }),
    bookingAction: (input) => actions.run(input),
    async syncNow() {
      if (!(await sync.syncNow())) throw new AppFailure('not_connected', 'Connect Cal.com first.');
      return null;
    },
    getSettings: async () => settings.read(),
    async refreshChannelStatus() {
      await watch.nudge();
      return state();
    },
    async updateSettings(patch) {
      const before = settings.read();
      const { debug: debugOn, ...rest } = patch;
      settings.write(debugOn === undefined ? mergeSettings(before, rest) : withDebug(mergeSettings(before, rest), debugOn, clock.now()));
      if (debugOn !== undefined) logger.info(debugOn ? 'debug mode on for one day' : 'debug mode off', {});
      if (patch.relayEmails !== undefined && patch.relayEmails !== before.relayEmails) await settleEmailSource(patch.relayEmails ? 'lifescore' : 'calcom');
      if (patch.profile || patch.relayEmails !== undefined) {
        await publish();
        pushState();
      }
      return settings.read();
    },
    async openExternal({ url }) {
      if (!isAllowedExternal(url)) throw new AppFailure('forbidden', 'Only https links (or this computer’s own pages) can be opened.');
      await ports.openExternal(url);
      return null;
    },
    getDiagnostics: async () =>
      collectDiagnostics({
        versions: {
          app: config.version,
          node: process.versions.node,
          platform: `${process.platform} ${process.arch}`,
          host: ports.runtime?.host ?? 'browser',
          ...(ports.runtime?.electron ? { electron: ports.runtime.electron } : {}),
          ...(ports.runtime?.chrome ? { chrome: ports.runtime.chrome } : {}),
        },
        dataFolder: ports.dataDir,
        databaseFile,
        activity: activityLog,
        quarantined: () => {
          const channel = integration()?.channel.channelId;
          return store && channel ? store.quarantined(channel) : [];
        },
        calcomCalls: () => audit?.list({ limit: 50 }) ?? [],
        debug: () => debug.state(),
        webhookBodies: () => debug.bodies(),
        calcomReadIssues: () => {
          const userId = integration()?.userId;
          return store && userId !== undefined ? store.readIssues(userId) : [];
        },
      }),
    listAudit: async (query) => audit?.list(query) ?? [],
    exportAuditCsv: async (query) => ({ csv: auditCsv(audit?.list(query) ?? []) }),
    async openDataFolder() {
      if (!ports.openPath) throw new AppFailure('not_supported', `Opening folders needs the desktop app. The data folder is ${ports.dataDir}`);
      await ports.openPath(ports.dataDir).catch((err: unknown) => {
        throw new AppFailure('internal', `The folder could not be opened: ${err instanceof Error ? err.message : String(err)}`);
      });
      return null;
    },
    // A core exists only when the configuration resolved; the setup stand-in answers otherwise (config/setup-core.ts).
    getSetupStatus: async () => ({ configured: true }),
    // The Electron glue answers this itself (its deep-link outbox); other hosts have nothing to release.
    rendererReady: async () => null,
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async handleDeepLink(url) {
      const link = parseAppDeepLink(url);
      if (link.kind === 'open-booking') return emit({ type: 'open-booking', uid: link.uid });
      const handled = await flow.handleCallbackUrl(url);
      if (handled.outcome === 'accepted') await handled.done;
    },
    async start() {
      // Debug mode sees each webhook the relay delivers (redacted at once, debug/debug-mode.ts).
      store = tapRelayEvents((overrides.openBookingStore ?? openBookingStore)(databaseFile), (body, trigger, seq, kind) => {
        verbose('webhook received', { channelSeq: seq, trigger: trigger ?? 'unknown', kind, bytes: body.length });
        debug.capture(body, trigger);
      });
      // After the store: it migrates the file (calcom_audit is one of its migrations).
      try {
        audit = openAuditStore(databaseFile, () => clock.now());
      } catch (err) {
        logger.warn('the audit log could not be opened; Cal.com calls are not recorded', { err: String(err) });
      }
      const record = integration();
      if (record?.isConnected) {
        // Refresh now if the token is near expiry; offline is fine (sync catches up later), a revoked grant is recorded.
        await tokens.accessToken().catch((err: unknown) => logger.warn('token check at start failed', { code: err instanceof AppFailure ? err.code : 'internal' }));
        await startSync(record).catch((err: unknown) => {
          logger.error('could not resume sync at start', { code: err instanceof AppFailure ? err.code : 'internal' });
          activity = { error: toAppError(err) };
        });
      } else if (settings.readRecord(recordKeys.progress)) {
        activity = {
          failed: true,
          error: { code: 'calcom_error', message: 'Connecting Cal.com was interrupted. Click Connect to finish; nothing will be created twice.' },
        };
      }
      void runPendingCleanup(disconnectDeps).catch((err: unknown) => logger.warn('cleanup failed', { err: String(err) }));
      watch.start();
      if (record?.isConnected) void watch.nudge();
      pushState();
    },
    async stop() {
      await watch.stop();
      await flow.close();
      await sync.stop();
      store?.close();
      store = null;
      audit?.close();
      audit = null;
    },
  };
}

function servicesOf(s: { 30: boolean; 60: boolean; 90: boolean }): AppState['services'] {
  return { 30: s[30], 60: s[60], 90: s[90] };
}
