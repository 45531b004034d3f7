import type { BookingService } from './booking-service';
import type { FaultState } from './faults';
import type { OAuthClient } from './oauth-clients';
import type { ResolvedOptions } from './options';
import type { RateLimiter } from './rate-limit';
import type { SandboxStore } from './store';
import type { TokenService } from './token-service';

/** Everything the route modules share. */
export interface SandboxContext {
  readonly store: SandboxStore;
  readonly options: ResolvedOptions;
  readonly clients: ReadonlyMap<string, OAuthClient>;
  readonly tokens: TokenService;
  readonly bookings: BookingService;
  readonly faults: FaultState;
  /** Per bearer token (default 500/min). */
  readonly rateLimiter: RateLimiter;
  /** Per IP for calls without a bearer token, including the token endpoint (120/min, Cal.com's unauthenticated limit). */
  readonly ipRateLimiter: RateLimiter;
  /** The base URL once listening (e.g. http://127.0.0.1:5555). */
  baseUrl(): string;
  /** Cal.com's clock: the machine's plus an offset (setClockOffset), for createdAt/updatedAt and "now". */
  readonly clock: SandboxClock;
}

export interface SandboxClock {
  offsetMs: number;
  now(): Date;
}
