import type { AppError } from './errors';
import type { ApprovalStatus } from './relay';

/** Durations the consultant offers (original integration: 30/60/90-minute services). */
export const serviceDurations = [30, 60, 90] as const;
export type ServiceDuration = (typeof serviceDurations)[number];

export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected' | 'reconnect-needed' | 'error';

/** Where a connect attempt is (the callback page states of the original document). */
export type ConnectStep = 'waiting-for-browser' | 'exchanging' | 'setting-up' | 'done';

export interface EventTypeLink {
  readonly duration: ServiceDuration;
  readonly id: number;
  readonly slug: string;
  readonly title: string;
  readonly hidden: boolean;
  /** The public Cal.com booking page for this service. */
  readonly link: string;
}

export interface ConnectionState {
  readonly status: ConnectionStatus;
  readonly step?: ConnectStep;
  /** The authorize URL of a pending attempt, so the UI can offer "open the page again". */
  readonly authorizeUrl?: string;
  readonly username?: string;
  readonly userId?: number;
  readonly email?: string;
  readonly timeZone?: string;
  readonly connectedAt?: string;
  readonly lastSyncedAt?: string;
  readonly eventTypes: readonly EventTypeLink[];
  readonly profileUrl?: string;
  /** The operator's decision on this consultant at the relay (issue 16); public links show only when `approved`. */
  readonly approval?: ApprovalStatus;
  /** The public profile page answers (false: "not available yet" until approved, or while suspended). */
  readonly profileVisible?: boolean;
  readonly emailsActive?: boolean;
  /** The same Cal.com account was connected on another computer at this time. */
  readonly otherDeviceSince?: string;
  /** The relay's answer to the last profile publish (Settings shows it next to "Profile address"). */
  readonly profileAnswer?: ProfileAnswer;
  /** Something the app did on its own that the consultant should know (e.g. it re-created a lost relay channel). */
  readonly notice?: { readonly message: string; readonly at: string };
  /** The connection lacks a Cal.com permission a feature needs (issue 19: BOOKING_WRITE); the app asks once to grant it. */
  readonly missingPermission?: { readonly scope: string; readonly why: string };
  readonly error?: AppError;
}

/** What the relay said to the last profile publish. */
export interface ProfileAnswer {
  readonly status: 'saved' | 'taken' | 'invalid' | 'not-verified' | 'failed';
  readonly slug: string;
  readonly message: string;
  readonly url?: string;
}

export type SyncStatus = 'idle' | 'live' | 'catching-up' | 'offline';

/** Why sync is not keeping up (issue 22): it decides what the Sync card offers (Reconnect, Retry, or wait). */
export type SyncProblemKind = 'reconnect' | 'calcom-down' | 'calcom-refused' | 'local';

/** A failure that persisted (3 runs or 15 minutes): shown on the Sync card until a run succeeds. */
export interface SyncProblem {
  readonly kind: SyncProblemKind;
  readonly message: string;
  /** When the failures began. */
  readonly since: string;
  readonly failures: number;
}

export interface SyncState {
  readonly status: SyncStatus;
  readonly problem?: SyncProblem;
  readonly offlineSince?: string;
  readonly lastEventAt?: string;
  /** When the last PING (Cal.com's "test webhook") arrived. */
  readonly lastPingAt?: string;
  readonly quarantined: number;
}

export interface AppState {
  readonly connection: ConnectionState;
  readonly sync: SyncState;
  readonly services: Readonly<Record<`${ServiceDuration}`, boolean>>;
  readonly version: string;
}
