import type { SyncProblem, SyncProblemKind } from '../../../common/app-state';
import { AppFailure } from '../../../common/errors';

/**
 * Turns repeated failures of one sync component into something the consultant sees (issue 22): a problem is
 * visible once it failed `visibleAfterRuns` times in a row or has lasted `visibleAfterMs`, and asks for a desktop
 * notification once when it has lasted `notifyAfterMs`. One success clears it. Pure apart from the clock passed in.
 */
export interface FailureThresholds {
  /** Consecutive failed runs after which a problem shows (default 3). */
  readonly visibleAfterRuns?: number;
  /** Or after this long failing (default 15 minutes). */
  readonly visibleAfterMs?: number;
  /** A desktop notification when it has lasted this long (default 1 hour). */
  readonly notifyAfterMs?: number;
}

export interface FailureTracker {
  /** Notes a failure; returns true when a notification is due now (at most once per problem). */
  failed(kind: SyncProblemKind, message: string, now: number): boolean;
  succeeded(): void;
  /** Consecutive failures so far. */
  failures(): number;
  /** The problem to show, if it is past the thresholds. */
  visible(now: number): SyncProblem | undefined;
}

export function createFailureTracker(t: FailureThresholds = {}): FailureTracker {
  const runs = t.visibleAfterRuns ?? 3;
  const visibleMs = t.visibleAfterMs ?? 15 * 60_000;
  const notifyMs = t.notifyAfterMs ?? 60 * 60_000;
  let current:
    { kind: SyncProblemKind; message: string; since: number; failures: number; notified: boolean } | undefined;
  return {
    failed(kind, message, now) {
      current = current
        ? { ...current, kind, message, failures: current.failures + 1 }
        : { kind, message, since: now, failures: 1, notified: false };
      if (!current.notified && now - current.since >= notifyMs) {
        current.notified = true;
        return true;
      }
      return false;
    },
    succeeded() {
      current = undefined;
    },
    failures: () => current?.failures ?? 0,
    visible(now) {
      if (!current || (current.failures < runs && now - current.since < visibleMs)) return undefined;
      return {
        kind: current.kind,
        message: current.message,
        since: new Date(current.since).toISOString(),
        failures: current.failures,
      };
    },
  };
}

/** What kind of problem an error is, and a sentence for the Sync card. */
export function classifySyncError(err: unknown): { kind: SyncProblemKind; message: string } {
  const code = err instanceof AppFailure ? err.code : undefined;
  switch (code) {
    case 'reconnect_needed':
      return {
        kind: 'reconnect',
        message: 'Cal.com no longer accepts this connection, so changes made there stop reaching the app.',
      };
    case 'calcom_unavailable':
    case 'calcom_rate_limited':
      return { kind: 'calcom-down', message: `Cal.com is down or not answering: ${(err as Error).message}` };
    case undefined:
      return {
        kind: 'local',
        message: `Sync stopped on this computer: ${String(err instanceof Error ? err.message : err)}`,
      };
    default:
      return { kind: 'calcom-refused', message: (err as Error).message };
  }
}
