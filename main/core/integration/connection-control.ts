import type { ApiHandlers } from '../../../common/api';
import type { TokenResponse } from '../../../common/calcom';
import { calcomScopes } from '../../../common/calcom';
import { AppFailure, toAppError } from '../../../common/errors';
import type { CalcomClient } from '../calcom/calcom-client';
import type { TokenManager } from '../calcom/token-manager';
import type { CallbackHandling } from '../oauth/oauth-flow';
import { OAuthFlow } from '../oauth/oauth-flow';
import { keychainPendingStore } from '../oauth/pending-attempt';
import type { RandomBytes } from '../oauth/pkce';
import type { AppConfig, Clock, FetchFn, Keychain, Logger, SettingsStore } from '../ports';
import type { RelayClient } from '../relay-client/relay-client';
import type { AppStateFeed } from '../state/app-state-feed';
import { servicesOf } from '../state/app-state-feed';
import { runConnectSetup } from './connect-setup';
import { lacksBookingWrite } from './connection-state';
import { disconnect as runDisconnect, runPendingCleanup } from './disconnect';
import type { ConnectStepName, IntegrationRecord } from './integration-records';
import { patchIntegration, readIntegration, recordKeys } from './integration-records';

/**
 * Connecting and disconnecting Cal.com (DESIGN.md §3): the OAuth attempt, the resumable setup once tokens are in
 * hand, the switch to another account, the drained disconnect, and picking the connection up again at start.
 */

export interface ConnectionControlDeps {
  readonly config: AppConfig;
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly openExternal: (url: string) => Promise<void>;
  readonly notify: (title: string, body: string) => void;
  /** The OAuth token endpoint's fetch (audited). */
  readonly tokenFetch: FetchFn;
  /** PKCE verifier and state (the random port). */
  readonly random: RandomBytes;
  readonly calcom: CalcomClient;
  /** A Cal.com client on the newcomer's tokens, before they replace the stored ones (account switch). */
  readonly calcomWith: (accessToken: string) => CalcomClient;
  readonly tokens: TokenManager;
  readonly relayFor: (relayUrl: string) => RelayClient;
  readonly deviceId: () => string;
  readonly newWebhookSecret: () => string;
  readonly sync: {
    start(record: IntegrationRecord): Promise<void>;
    stop(): Promise<void>;
    running(): boolean;
    syncNow(): Promise<boolean>;
  };
  readonly feed: AppStateFeed;
  readonly publish: () => Promise<void>;
  readonly settleEmailSource: (wanted: 'lifescore' | 'calcom') => Promise<void>;
  /** Looks at the relay channel now (channel-upkeep.ts). */
  readonly nudgeChannel: () => Promise<void>;
  readonly stateTtlMs?: number;
  /** Test hook: called after each connect step is recorded. */
  readonly afterConnectStep?: (step: ConnectStepName) => void | Promise<void>;
}

export interface ConnectionControl {
  readonly handlers: Pick<ApiHandlers, 'connect' | 'cancelConnect' | 'disconnect'>;
  handleCallbackUrl(url: string): Promise<CallbackHandling>;
  pendingAuthorizeUrl(): string | undefined;
  /** Cal.com rejected the refresh token: record it and tell the consultant. */
  reconnectNeeded(): void;
  /** At start: refreshes a near-expiry token, resumes sync or marks an interrupted connect; true when connected. */
  resume(): Promise<boolean>;
  close(): Promise<void>;
}

const INTERRUPTED_MESSAGE =
  'Connecting Cal.com was interrupted. Click Connect to finish; nothing will be created twice.';

/** How long disconnect waits for a last reconciliation before tearing the channel down. */
const DRAIN_BUDGET_MS = 5_000;

export function createConnectionControl(deps: ConnectionControlDeps): ConnectionControl {
  const { config, keychain, settings, clock, logger, calcom, tokens, sync, feed } = deps;
  const integration = () => readIntegration(settings);
  const clearTokens = () => tokens.clear();
  const disconnectDeps = { calcom, relayFor: deps.relayFor, keychain, settings, clock, logger, clearTokens };
  const cleanUpLater = () => {
    void runPendingCleanup(disconnectDeps).catch((err: unknown) => logger.warn('cleanup failed', { err: String(err) }));
  };

  const flow = new OAuthFlow({
    config,
    clock,
    logger,
    fetch: deps.tokenFetch,
    random: deps.random,
    ...(deps.stateTtlMs ? { ttlMs: deps.stateTtlMs } : {}),
    // A cold-start callback (the app was closed while the consultant was in the browser) still completes.
    pendingStore: keychainPendingStore(keychain),
    onExchanging: () => feed.setActivity({ step: 'exchanging' }),
    onAuthorized: (t) => finishConnect(t),
    onFailed: (err) => {
      logger.warn('connect attempt ended', { code: err.code });
      const quiet = err.code === 'oauth_denied' || err.code === 'oauth_expired';
      feed.setActivity({ error: toAppError(err), ...(quiet ? {} : { failed: true }) });
    },
  });

  async function finishConnect(t: TokenResponse): Promise<void> {
    try {
      feed.setActivity({ step: 'setting-up' });
      await retireOtherAccountWebhook(t);
      await tokens.store(t);
      feed.setActivity({ step: 'setting-up' });
      await sync.stop();
      const record = await runConnectSetup({
        calcom,
        relay: deps.relayFor(settings.read().relayUrl),
        relayUrl: settings.read().relayUrl,
        relayFor: deps.relayFor,
        accessToken: () => tokens.accessToken(),
        deviceId: deps.deviceId(),
        calcomAppUrl: config.calcomAppUrl,
        keychain,
        settings,
        clock,
        logger,
        services: servicesOf(settings.read().services),
        newSecret: deps.newWebhookSecret,
        ...(deps.afterConnectStep ? { afterStep: deps.afterConnectStep } : {}),
      });
      feed.clearNotices();
      // Cal.com's token answer names the scopes it granted (optional in its DTO: then the requested ones were).
      const grantedScopes = t.scope ? t.scope.split(/[ ,]+/).filter(Boolean) : [...calcomScopes];
      patchIntegration(settings, { grantedScopes });
      if (settings.read().relayEmails) await deps.settleEmailSource('lifescore');
      await deps.publish();
      await sync.start(record);
      // Only now "connected": the record, profile and sync engine are all in place.
      feed.setActivity({});
      void deps.nudgeChannel();
      cleanUpLater();
    } catch (err) {
      const code = err instanceof AppFailure ? err.code : 'internal';
      logger.error('connect setup failed', { code, err: String(err) });
      const progress = settings.readRecord<{ lastError?: string }>(recordKeys.progress);
      if (progress) settings.writeRecord(recordKeys.progress, { ...progress, lastError: toAppError(err).message });
      feed.setActivity({ error: toAppError(err), failed: true });
      feed.toast('error', toAppError(err).message);
      // A failed reconnect must not cost the live relay subscription of the connection that is still recorded.
      const still = integration();
      if (still?.isConnected && !sync.running()) await sync.start(still).catch(() => undefined);
    }
  }

  /**
   * Switching to another Cal.com account: the old account's webhook can only be deleted with the old account's
   * tokens, so it goes before the new tokens replace them (connect-setup.ts removes the old channel and profile).
   */
  async function retireOtherAccountWebhook(t: TokenResponse): Promise<void> {
    const old = integration();
    if (!old?.isConnected || old.reconnectNeeded || !old.webhookId) return;
    if ((await deps.calcomWith(t.access_token).me()).id === old.userId) return;
    await sync.stop();
    await calcom.deleteWebhook(old.webhookId);
    logger.info('webhook of the previously connected account deleted', { userId: old.userId });
  }

  const handlers: ConnectionControl['handlers'] = {
    async connect({ switchAccount }) {
      if (feed.connecting()) throw new AppFailure('already_connecting', 'Cal.com is being connected right now.');
      const current = integration();
      // A connection lacking a permission may connect again to grant it (issue 19: BOOKING_WRITE).
      const live = current?.isConnected && !current.reconnectNeeded;
      const sameRelay = current?.channel.relayUrl === settings.read().relayUrl;
      if (live && !switchAccount && !lacksBookingWrite(current) && sameRelay) {
        throw new AppFailure('bad_input', 'Cal.com is already connected.');
      }
      if (!Object.values(settings.read().services).some(Boolean)) {
        const message = 'Turn on at least one service (30, 60 or 90 minutes) before connecting Cal.com.';
        throw new AppFailure('no_services_enabled', message);
      }
      const authorizeUrl = await flow.begin();
      feed.setActivity({ step: 'waiting-for-browser', authorizeUrl });
      await deps.openExternal(authorizeUrl).catch((err: unknown) => {
        logger.warn('could not open the browser', { err: String(err) });
      });
      return { authorizeUrl };
    },
    async cancelConnect() {
      await flow.cancel();
      if (feed.activity().step === 'waiting-for-browser') feed.setActivity({});
      return null;
    },
    async disconnect({ hideEventTypes }) {
      if (feed.connecting()) {
        const message = 'Cal.com is being connected right now; disconnect when that has finished.';
        throw new AppFailure('already_connecting', message);
      }
      await flow.cancel();
      // Catch up once before the channel goes (DESIGN.md §3 "after draining it"), but never hold the consultant long.
      // A deadline, not a retry pause: it stays a real timer even where the sleep port is instant (tests).
      const budget = new Promise((r) => setTimeout(r, DRAIN_BUDGET_MS).unref());
      await Promise.race([sync.syncNow().catch(() => false), budget]);
      await sync.stop();
      // Cal.com's own client emails come back on when LifeScore's stop (issue 19), or kept event types would send none.
      if (settings.read().relayEmails) await deps.settleEmailSource('calcom').catch(() => undefined);
      feed.replaceActivity({});
      const left = await runDisconnect(disconnectDeps, { hideEventTypes });
      feed.push();
      if (left) {
        const message =
          'Disconnected. Some clean-up on Cal.com or the relay could not be done now; ' +
          'it will be retried automatically.';
        feed.toast('info', message);
      }
      return null;
    },
  };

  return {
    handlers,
    handleCallbackUrl: (url) => flow.handleCallbackUrl(url),
    pendingAuthorizeUrl: () => flow.pendingUrl(),
    reconnectNeeded() {
      patchIntegration(settings, { reconnectNeeded: true });
      // Ask the relay whether this account was connected on another computer, so the state can say so.
      void deps.nudgeChannel();
      deps.notify('Reconnect Cal.com', 'LifeScore Consultant lost access to Cal.com. Open the app and reconnect.');
      feed.push();
    },
    async resume() {
      const record = integration();
      if (record?.isConnected) {
        // Refresh now if the token is near expiry; offline is fine (sync catches up later), a revoked grant is
        // recorded.
        await tokens.accessToken().catch((err: unknown) => {
          logger.warn('token check at start failed', { code: err instanceof AppFailure ? err.code : 'internal' });
        });
        await sync.start(record).catch((err: unknown) => {
          logger.error('could not resume sync at start', { code: err instanceof AppFailure ? err.code : 'internal' });
          feed.replaceActivity({ error: toAppError(err) });
        });
      } else if (settings.readRecord(recordKeys.progress)) {
        feed.replaceActivity({
          failed: true,
          error: { code: 'calcom_error', message: INTERRUPTED_MESSAGE },
        });
      }
      cleanUpLater();
      return record?.isConnected ?? false;
    },
    close: () => flow.close(),
  };
}
