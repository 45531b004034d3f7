import { z } from 'zod';
import type { Clock, Keychain } from '../ports';
import { buildAuthorizeUrl } from './authorize-url';
import type { RandomBytes } from './pkce';
import { createPkcePair, createState } from './pkce';

/** One OAuth attempt in flight. The verifier never leaves the main process. */
export interface PendingAttempt {
  readonly state: string;
  readonly verifier: string;
  readonly authorizeUrl: string;
  readonly expiresAt: number;
}

export type TakeResult =
  | { readonly kind: 'ok'; readonly attempt: PendingAttempt }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'expired' };

export interface PendingAttemptsOptions {
  readonly calcomAppUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly clock: Clock;
  readonly random: RandomBytes;
  /** State lifetime; 10 minutes like Cal.com's authorization codes. */
  readonly ttlMs?: number;
}

export const STATE_TTL_MS = 10 * 60 * 1000;

/** Holds at most one pending attempt: a new begin() replaces (cancels) the old one; take() is single-use. */
export class PendingAttempts {
  private current: PendingAttempt | null = null;
  private readonly ttlMs: number;

  constructor(private readonly opts: PendingAttemptsOptions) {
    this.ttlMs = opts.ttlMs ?? STATE_TTL_MS;
  }

  /** Starts a fresh attempt, cancelling any previous one. */
  begin(): PendingAttempt {
    const { verifier, challenge } = createPkcePair(this.opts.random);
    const state = createState(this.opts.random);
    const authorizeUrl = buildAuthorizeUrl({ ...this.opts, state, codeChallenge: challenge });
    this.current = { state, verifier, authorizeUrl, expiresAt: this.opts.clock.now() + this.ttlMs };
    return this.current;
  }

  /** The attempt in flight, if any and not expired. */
  pending(): PendingAttempt | null {
    if (this.current && this.opts.clock.now() >= this.current.expiresAt) return null;
    return this.current;
  }

  cancel(): void {
    this.current = null;
  }

  /** True when an attempt is held in memory (expired or not). */
  holds(): boolean {
    return this.current !== null;
  }

  /** Puts back an attempt persisted by an earlier run of the app (expired ones too: take() then says `expired`). */
  restore(attempt: PendingAttempt): void {
    this.current = attempt;
  }

  /** Consumes the attempt matching `state` (constant shape compare); any outcome but `unknown` ends the attempt. */
  take(state: string): TakeResult {
    const current = this.current;
    if (!current || !sameString(current.state, state)) return { kind: 'unknown' };
    this.current = null;
    if (this.opts.clock.now() >= current.expiresAt) return { kind: 'expired' };
    return { kind: 'ok', attempt: current };
  }
}

/** Length-independent comparison, so timing does not reveal how much of a state matched. */
function sameString(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/**
 * Where a pending attempt survives a restart: a cold-start callback (the consultant approved in the browser after
 * the app was closed, and the OS started it with the link) must still find its state and PKCE verifier. The verifier
 * is a secret, so it lives in the OS keychain, never in the settings file; the 10-minute expiry travels with it.
 */
export interface PendingAttemptStore {
  save(attempt: PendingAttempt | null): Promise<void>;
  load(): Promise<PendingAttempt | null>;
}

export const PENDING_ATTEMPT_ACCOUNT = 'oauth:pending-attempt';

const storedAttemptSchema = z
  .object({
    state: z.string().min(16).max(200),
    verifier: z.string().min(43).max(128),
    authorizeUrl: z.string().max(4096),
    expiresAt: z.number().int(),
  })
  .strict();

export function keychainPendingStore(keychain: Keychain): PendingAttemptStore {
  return {
    async save(attempt) {
      if (attempt) await keychain.set(PENDING_ATTEMPT_ACCOUNT, JSON.stringify(attempt));
      else await keychain.delete(PENDING_ATTEMPT_ACCOUNT);
    },
    async load() {
      const raw = await keychain.get(PENDING_ATTEMPT_ACCOUNT);
      if (!raw) return null;
      try {
        const parsed = storedAttemptSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
  };
}
