/** Typed errors that cross process boundaries (IPC, host bridge, HTTP) instead of raw exceptions. */
export const errorCodes = [
  'bad_input',
  'not_found',
  'not_connected',
  'already_connecting',
  'no_services_enabled',
  'oauth_denied',
  'oauth_state_mismatch',
  'oauth_expired',
  'reconnect_needed',
  /** The same Cal.com account was connected on another computer (issue 16). */
  'other_computer',
  'calcom_unavailable',
  'calcom_rate_limited',
  'calcom_error',
  /** Booking actions (issue 19): Cal.com refused because of the booking's state or owner, or a missing permission. */
  'booking_already_cancelled',
  'booking_not_pending',
  'booking_in_past',
  'booking_not_owner',
  'permission_needed',
  'relay_unavailable',
  'relay_error',
  'keychain_unavailable',
  'forbidden',
  /** The request is valid but this build can't do it (e.g. opening a folder from the browser host). */
  'not_supported',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** What every API call answers on the wire: never a thrown error. */
export type ApiResponse<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: AppError };

/** An Error that carries an AppError code, for code inside one process. */
export class AppFailure extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppFailure';
    this.code = code;
  }
}

/** Turns anything thrown into the AppError the boundary sends (internal details stay out of the message). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppFailure) return { code: err.code, message: err.message };
  return { code: 'internal', message: 'Something went wrong inside the app. Details are in the log.' };
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
