import type { EventTypeLink } from '../../../common/app-state';
import type { ApprovalStatus, VerifiedIdentity } from '../../../common/relay';
import type { SettingsStore } from '../ports';

/** Keys of the non-secret records app-core keeps in the SettingsStore (secrets are in the keychain). */
export const recordKeys = {
  integration: 'calcom.integration',
  progress: 'calcom.connectProgress',
  cleanup: 'calcom.pendingCleanup',
} as const;

/** The relay channel as recorded (its token lives in the keychain as `relay:token`). */
export interface ChannelRef {
  readonly relayUrl: string;
  readonly channelId: string;
  readonly ingestUrl: string;
  readonly streamUrl: string;
}

/** The consultant's Cal.com connection: the "consultant.calcom" record of the original document, minus the tokens. */
export interface IntegrationRecord {
  readonly isConnected: boolean;
  readonly username: string;
  /** Display name from Cal.com (null there when unset). */
  readonly name?: string;
  readonly userId: number;
  readonly email: string;
  readonly timeZone: string;
  readonly eventTypes: readonly EventTypeLink[];
  readonly webhookId: string;
  readonly channel: ChannelRef;
  readonly connectedAt: string;
  readonly lastSyncedAt?: string;
  /** The slug of the public profile last published to the relay. */
  readonly profileSlug?: string;
  /** Set when the refresh token was rejected; cleared by a successful connect. */
  readonly reconnectNeeded?: boolean;
  /** The Cal.com account the relay verified for this channel (DESIGN.md §4a). */
  readonly identity?: VerifiedIdentity;
  /** The operator's decision as the relay last reported it. */
  readonly approval?: ApprovalStatus;
  /** The public page shows only when the relay says so (approved, not suspended). */
  readonly profileVisible?: boolean;
  readonly emailsActive?: boolean;
  /** The relay saw the same Cal.com account verified on another computer after this one, since then. */
  readonly otherDeviceSince?: string;
  /** When the app last re-created a lost relay channel (channel-heal.ts). */
  readonly healedAt?: string;
  /** The scopes Cal.com granted at the last connect (absent: connected before issue 19, so without BOOKING_WRITE). */
  readonly grantedScopes?: readonly string[];
}

export type ConnectStepName = 'me' | 'event-types' | 'channel' | 'identity' | 'secret' | 'webhook' | 'done';

/** How far an interrupted connect got; the next connect resumes from it without creating duplicates. */
export interface ConnectProgress {
  readonly startedAt: string;
  readonly completed: readonly ConnectStepName[];
  readonly userId?: number;
  readonly username?: string;
  readonly eventTypes?: readonly EventTypeLink[];
  readonly channel?: ChannelRef;
  readonly identity?: VerifiedIdentity;
  readonly approval?: ApprovalStatus;
  readonly webhookId?: string;
  readonly lastError?: string;
}

/** What a disconnect could not finish (Cal.com or the relay unreachable), retried later. */
export interface PendingCleanup {
  readonly webhookId?: string;
  readonly hideEventTypeIds?: readonly number[];
  /** The channel to delete; its token is kept in the keychain as `relay:cleanup-token` until then. */
  readonly channel?: { readonly relayUrl: string; readonly channelId: string };
  readonly since: string;
}

/** True when nothing is left to do. */
export function cleanupIsEmpty(c: PendingCleanup): boolean {
  return !c.webhookId && !(c.hideEventTypeIds && c.hideEventTypeIds.length > 0) && !c.channel;
}

/** The recorded connection, if any. */
export function readIntegration(settings: Pick<SettingsStore, 'readRecord'>): IntegrationRecord | undefined {
  return settings.readRecord<IntegrationRecord>(recordKeys.integration);
}

/** Changes fields of the recorded connection; does nothing when there is none. */
export function patchIntegration(
  settings: Pick<SettingsStore, 'readRecord' | 'writeRecord'>,
  patch: Partial<IntegrationRecord>,
): void {
  const current = readIntegration(settings);
  if (current) settings.writeRecord(recordKeys.integration, { ...current, ...patch });
}
