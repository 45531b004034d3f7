import { BOOKING_WRITE_SCOPE } from '../../../common/booking-actions';
import type { AppError } from '../../../common/errors';
import type { ConnectionState, ConnectStep, ProfileAnswer } from '../../../common/app-state';
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

/** What app-core remembers for the UI beside the record (not persisted). */
export interface ConnectionExtras {
  readonly profileAnswer?: ProfileAnswer;
  readonly notice?: { readonly message: string; readonly at: string };
}

/** Shown instead of a bare "reconnect needed" when the relay saw this account connect elsewhere (issue 16). */
export const OTHER_COMPUTER_MESSAGE =
  'Connected on another computer: your Cal.com account is now connected to LifeScore on another computer. Reconnect here to use this computer instead.';

/** Derives the UI's ConnectionState from the stored record and the current activity. Pure. */
export function toConnectionState(
  record: IntegrationRecord | undefined,
  activity: ConnectActivity,
  extras: ConnectionExtras = {},
): ConnectionState {
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
      ...(record.approval ? { approval: record.approval } : {}),
      ...(record.profileVisible !== undefined ? { profileVisible: record.profileVisible } : {}),
      ...(record.emailsActive !== undefined ? { emailsActive: record.emailsActive } : {}),
      ...(record.otherDeviceSince ? { otherDeviceSince: record.otherDeviceSince } : {}),
      ...(extras.profileAnswer ? { profileAnswer: extras.profileAnswer } : {}),
      ...(extras.notice ? { notice: extras.notice } : {}),
      ...(lacksBookingWrite(record)
        ? { missingPermission: { scope: BOOKING_WRITE_SCOPE, why: BOOKING_WRITE_WHY } }
        : {}),
      ...(record.reconnectNeeded && !activity.error
        ? {
            error: record.otherDeviceSince
              ? { code: 'other_computer', message: OTHER_COMPUTER_MESSAGE }
              : {
                  code: 'reconnect_needed',
                  message: 'Cal.com needs you to reconnect: the connection was revoked or expired.',
                },
          }
        : error),
    };
  }
  return { status: activity.failed ? 'error' : 'disconnected', eventTypes: [], ...error };
}

/** Why the app asks for BOOKING_WRITE (shown next to the grant button). */
export const BOOKING_WRITE_WHY =
  'To accept or decline requests, cancel, ask a client to reschedule and record no-shows from this app, LifeScore needs Cal.com’s “manage bookings” permission. Your connection was made before the app could do this, so Cal.com will ask you once to approve it.';

/** A connection whose granted scopes are unknown (made before issue 19) or lack BOOKING_WRITE. */
export function lacksBookingWrite(record: Pick<IntegrationRecord, 'grantedScopes'>): boolean {
  return !(record.grantedScopes ?? []).includes(BOOKING_WRITE_SCOPE);
}
