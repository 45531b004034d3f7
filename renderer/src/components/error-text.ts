import type { ErrorCode } from '../../../common/errors';
import { isApiError } from '../api/api-client';

/** What each error means for the consultant and what to do next (the core's message says what happened). */
const explanations: Readonly<Record<ErrorCode, string>> = {
  bad_input: 'Something in the request was not accepted. Check the values and try again.',
  not_found: 'It is no longer there; it may have been removed in Cal.com.',
  not_connected: 'Connect your Cal.com account on the Dashboard first.',
  already_connecting: 'A connection is already being set up. Finish it in your browser or cancel it.',
  no_services_enabled: 'Turn on at least one service (30, 60 or 90 minutes), then connect again.',
  oauth_denied: 'Nothing was changed in your Cal.com account. Retry when you are ready to choose Allow.',
  oauth_state_mismatch:
    'The answer from Cal.com belonged to an older attempt (perhaps another browser tab). Start again from here.',
  oauth_expired: 'The sign-in page was open too long and expired. Start again; it only takes a moment.',
  reconnect_needed:
    'Cal.com asked for a fresh sign-in (access was revoked or expired). Reconnect to keep bookings in sync.',
  other_computer:
    'Only one computer at a time keeps your bookings in sync. Reconnect here if you want to use this computer.',
  calcom_unavailable:
    'Cal.com did not answer properly (it may be busy, down or out of reach). Check your internet connection, wait a moment, then retry.',
  calcom_rate_limited: 'Cal.com asked us to slow down. Wait a minute, then retry.',
  calcom_error: 'Cal.com answered with an error. Retry; if it keeps happening, check your Cal.com account.',
  booking_already_cancelled: 'Nothing was changed. The booking below now shows its state on Cal.com.',
  booking_not_pending: 'Nothing was changed. The booking below now shows its state on Cal.com.',
  booking_in_past: 'Nothing was changed. Cal.com does not allow this for that time.',
  booking_not_owner: 'Nothing was changed. Connect the Cal.com account that owns this booking to act on it.',
  permission_needed:
    'Nothing was changed. Grant the permission from the Dashboard (Cal.com asks once), then try again.',
  relay_unavailable:
    'The LifeScore relay cannot be reached, so new bookings cannot arrive live. Check the relay URL in Settings and your connection.',
  relay_error: 'The LifeScore relay answered with an error. Retry in a moment.',
  keychain_unavailable:
    'The system keychain is not available, so your Cal.com sign-in cannot be stored safely. On Linux, make sure a keyring (such as GNOME Keyring) is running, then retry.',
  forbidden: 'This window is not allowed to do that. Reopen the app from the link it printed when it started.',
  not_supported: 'This works only in the desktop app.',
  internal: 'Something went wrong inside the app. Retry; details are in the log.',
};

/** The human explanation for an error code. */
export function explainError(code: ErrorCode): string {
  return explanations[code];
}

/** The message of any error react-query hands us. */
export function errorMessage(err: unknown): string {
  if (isApiError(err)) return err.message;
  return err instanceof Error ? err.message : 'Something went wrong.';
}
