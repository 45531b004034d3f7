import type { AppError } from '../../../common/errors';
import type { ConnectionState, ConnectStep } from '../../../common/app-state';
import type { IntegrationRecord } from './integration-records';
import { profileUrlOf } from './profile-body';

/** What app-core knows about a connect in progress or the last failure (not persisted). */
export interface ConnectActivity {
  readonly step?: ConnectStep;
  readonly authorizeUrl?: string;
  readonly error?: AppError;
  /** The error came from a failed setup (retryable) rather than the consultant's choice. */
  readonly failed?: boolean;
}

/** Derives the UI's ConnectionState from the stored record and the current activity. Pure. */
export function toConnectionState(record: IntegrationRecord | undefined, activity: ConnectActivity): ConnectionState {
  const error = activity.error ? { error: activity.error } : {};
  if (activity.step && activity.step !== 'done') {
    return {
      status: 'connecting',
      step: activity.step,
      ...(activity.authorizeUrl ? { authorizeUrl: activity.authorizeUrl } : {}),
      eventTypes: record?.eventTypes ?? [],
    };
  }
  if (record?.isConnected) {
    return {
      status: record.reconnectNeeded ? 'reconnect-needed' : 'connected',
      username: record.username,
      userId: record.userId,
      email: record.email,
      timeZone: record.timeZone,
      connectedAt: record.connectedAt,
      ...(record.lastSyncedAt ? { lastSyncedAt: record.lastSyncedAt } : {}),
      eventTypes: record.eventTypes,
      ...(record.profileSlug ? { profileUrl: profileUrlOf(record.channel.relayUrl, record.profileSlug) } : {}),
      ...(record.reconnectNeeded && !activity.error
        ? { error: { code: 'reconnect_needed', message: 'Cal.com needs you to reconnect: the connection was revoked or expired.' } }
        : error),
    };
  }
  return { status: activity.failed ? 'error' : 'disconnected', eventTypes: [], ...error };
}
