import type { Clock } from '../ports';
import { buildAuthorizeUrl } from './authorize-url';
import type { RandomBytes } from './pkce';
import { createPkcePair, createState, defaultRandomBytes } from './pkce';

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
  readonly random?: RandomBytes;
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
    const random = this.opts.random ?? defaultRandomBytes;
    const { verifier, challenge } = createPkcePair(random);
    const state = createState(random);
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
