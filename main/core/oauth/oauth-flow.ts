import type { TokenResponse } from '../../../common/calcom';
import { AppFailure } from '../../../common/errors';
import type { AppConfig, Clock, Logger } from '../ports';
import type { CallbackExpectation } from './callback-url';
import { callbackExpectationFor, loopbackPortOf, parseCallbackUrl } from './callback-url';
import type { LoopbackServer } from './loopback-server';
import { startLoopbackServer } from './loopback-server';
import type { RandomBytes } from './pkce';
import { PendingAttempts, STATE_TTL_MS } from './pending-attempt';
import type { PendingAttemptStore } from './pending-attempt';
import type { FetchFn } from '../ports';
import { exchangeCode } from './token-endpoint';

export interface OAuthFlowDeps {
  readonly config: Pick<AppConfig, 'calcomAppUrl' | 'calcomApiUrl' | 'clientId' | 'redirectUri'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly fetch: FetchFn;
  readonly random: RandomBytes;
  readonly ttlMs?: number;
  /** Keeps the pending attempt across a restart (the OS keychain in the app); memory only without it. */
  readonly pendingStore?: PendingAttemptStore;
  /** The code was accepted; the exchange is starting. */
  readonly onExchanging: () => void;
  /** Tokens are in hand: store them and run the connect setup. */
  readonly onAuthorized: (tokens: TokenResponse) => Promise<void>;
  /** The attempt ended without tokens (denied, Cal.com error, expired, exchange failed). */
  readonly onFailed: (err: AppFailure) => void;
}

/** What became of a callback URL: `done` settles when exchange and setup are over (never rejects). */
export type CallbackHandling =
  { readonly outcome: 'accepted'; readonly done: Promise<void> } | { readonly outcome: 'ignored' | 'not-ours' };

/** The OAuth half of connect: one pending attempt, its loopback listener (form c), expiry, and the code exchange. */
export class OAuthFlow {
  private readonly attempts: PendingAttempts;
  private readonly expectation: CallbackExpectation;
  private readonly loopbackPort: number | undefined;
  private server: LoopbackServer | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  /**
   * Whether the keychain was read for an attempt begun by an earlier run. Once is enough: only this process writes it
   * after that. Any web page can open lifescore:// links, and each read of a locked keychain may ask the consultant
   * to unlock it (security review 42).
   */
  private storedAttemptLoaded = false;

  constructor(private readonly deps: OAuthFlowDeps) {
    this.attempts = new PendingAttempts({
      ...deps.config,
      clock: deps.clock,
      random: deps.random,
      ...(deps.ttlMs ? { ttlMs: deps.ttlMs } : {}),
    });
    this.expectation = callbackExpectationFor(deps.config.redirectUri);
    this.loopbackPort = loopbackPortOf(deps.config.redirectUri);
  }

  /** Starts a fresh attempt (cancelling any previous one) and returns its authorize URL. */
  async begin(): Promise<string> {
    if (this.loopbackPort !== undefined && !this.server) {
      this.server = await startLoopbackServer({
        port: this.loopbackPort,
        logger: this.deps.logger,
        onCallback: async (url) => {
          const h = await this.handleCallbackUrl(url);
          // The listener closes itself after an accepted callback; forget it so the next attempt starts a new one.
          if (h.outcome === 'accepted') this.server = null;
          return h.outcome === 'accepted' ? 'accepted' : 'ignored';
        },
      });
    }
    const attempt = this.attempts.begin();
    await this.persist(attempt);
    this.armExpiry(attempt.state);
    return attempt.authorizeUrl;
  }

  /** The pending attempt's authorize URL, if one is waiting. */
  pendingUrl(): string | undefined {
    return this.attempts.pending()?.authorizeUrl;
  }

  /** Drops the pending attempt and stops listening. */
  async cancel(): Promise<void> {
    const had = this.attempts.holds();
    this.attempts.cancel();
    if (had) await this.persist(null);
    this.clearExpiry();
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  /** Handles a callback URL from any redirect form. Unknown or foreign URLs are logged and ignored, never errors. */
  async handleCallbackUrl(url: string): Promise<CallbackHandling> {
    const parsed = parseCallbackUrl(url, this.expectation);
    if (parsed.kind === 'not-ours') {
      this.deps.logger.warn('ignored a URL that is not an OAuth callback of ours', { reason: parsed.reason });
      return { outcome: 'not-ours' };
    }
    const state = parsed.state;
    if (state === undefined) {
      this.deps.logger.warn('ignored an OAuth error without state');
      return { outcome: 'ignored' };
    }
    if (!this.storedAttemptLoaded && !this.attempts.holds() && this.deps.pendingStore) {
      // A cold start: the attempt was begun by an earlier run of the app. A failed read is tried again next time.
      const stored = await this.deps.pendingStore.load().then(
        (attempt) => ((this.storedAttemptLoaded = true), attempt),
        () => null,
      );
      if (stored) this.attempts.restore(stored);
    }
    const taken = this.attempts.take(state);
    if (taken.kind !== 'unknown') await this.persist(null);
    if (taken.kind === 'unknown') {
      // Usually a reloaded callback page or a cancelled attempt (GitHub Desktop does the same).
      this.deps.logger.warn('ignored an OAuth callback with an unknown state');
      return { outcome: 'ignored' };
    }
    this.clearExpiry();
    void this.closeServerSoon();
    if (taken.kind === 'expired')
      return this.fail(
        new AppFailure('oauth_expired', 'The Cal.com sign-in took longer than 10 minutes. Please connect again.'),
      );
    switch (parsed.kind) {
      case 'denied':
        return this.fail(
          new AppFailure(
            'oauth_denied',
            'Access was declined in Cal.com, so nothing was connected. Connect again to retry.',
          ),
        );
      case 'error':
        return this.fail(
          new AppFailure('calcom_error', `Cal.com could not authorize the app: ${parsed.description || parsed.error}.`),
        );
      case 'success': {
        const { verifier } = taken.attempt;
        const done = (async () => {
          this.deps.onExchanging();
          let tokens: TokenResponse;
          try {
            tokens = await exchangeCode(
              {
                calcomApiUrl: this.deps.config.calcomApiUrl,
                clientId: this.deps.config.clientId,
                fetch: this.deps.fetch,
              },
              { code: parsed.code, redirectUri: this.deps.config.redirectUri, verifier },
            );
          } catch (err) {
            this.deps.onFailed(
              err instanceof AppFailure
                ? err
                : new AppFailure('internal', 'The Cal.com sign-in failed.', { cause: err }),
            );
            return;
          }
          await this.deps.onAuthorized(tokens);
        })().catch((err: unknown) =>
          this.deps.logger.error('connect after authorization failed', { err: String(err) }),
        );
        return { outcome: 'accepted', done };
      }
    }
  }

  /** Stops timers and the listener (app shutdown). */
  async close(): Promise<void> {
    await this.cancel();
  }

  private async persist(attempt: Parameters<PendingAttemptStore['save']>[0]): Promise<void> {
    await this.deps.pendingStore
      ?.save(attempt)
      .catch((err: unknown) => this.deps.logger.warn('could not keep the pending sign-in', { err: String(err) }));
  }

  private fail(err: AppFailure): CallbackHandling {
    this.deps.onFailed(err);
    return { outcome: 'accepted', done: Promise.resolve() };
  }

  private armExpiry(state: string): void {
    this.clearExpiry();
    this.expiryTimer = setTimeout(() => {
      if (this.attempts.take(state).kind === 'unknown') return;
      void this.cancel();
      this.deps.onFailed(
        new AppFailure('oauth_expired', 'The Cal.com sign-in took longer than 10 minutes. Please connect again.'),
      );
    }, this.deps.ttlMs ?? STATE_TTL_MS);
    this.expiryTimer.unref();
  }

  private clearExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  /** A callback that arrived by deep link ends the loopback listener too (it is only needed while pending). */
  private async closeServerSoon(): Promise<void> {
    const server = this.server;
    if (!server) return;
    // Give the loopback response (if that is how the callback came) a moment to flush before closing.
    await new Promise((r) => setTimeout(r, 100).unref());
    if (this.server === server && !this.attempts.pending()) {
      this.server = null;
      await server.close();
    }
  }
}
