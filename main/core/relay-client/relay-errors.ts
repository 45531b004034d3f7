import { AppFailure } from '../../../common/errors';
import { relayErrorSchema } from '../../../common/relay';
import type { HttpResult } from '../http/request';

/** A relay call that failed, with the HTTP status when there was one. */
export class RelayApiError extends AppFailure {
  constructor(
    code: 'relay_unavailable' | 'relay_error',
    message: string,
    readonly status: number | undefined,
    /** The relay's own error code (`slug_taken`, …; common/relay.ts RELAY_ERROR_CODES), when it sent one. */
    readonly relayCode?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** True when the relay no longer knows this channel (deleted, or its data was wiped): the app must make a new one. */
export function isChannelGone(err: unknown): boolean {
  return err instanceof RelayApiError && err.status === 401;
}

/**
 * The relay's side of a failed exchange: unreachable, overloaded (5xx, 429) and "try again" are `relay_unavailable`;
 * any other refusal is `relay_error` with the relay's message and code when its error body had them.
 */
export function relayFailure(res: HttpResult): RelayApiError {
  if (res.kind === 'unreachable') {
    const message = 'The LifeScore relay could not be reached. Check your connection and try again.';
    return new RelayApiError('relay_unavailable', message, undefined, undefined, { cause: res.error });
  }
  const { status } = res;
  if (status >= 500 || status === 429) {
    const message = `The LifeScore relay is having trouble (HTTP ${status}). Try again in a moment.`;
    return new RelayApiError('relay_unavailable', message, status);
  }
  const parsed = relayErrorSchema.safeParse(res.body);
  const detail = parsed.success ? `: ${parsed.data.error.message.slice(0, 200)}` : '';
  const message = `The LifeScore relay refused the request (HTTP ${status}${detail}).`;
  return new RelayApiError('relay_error', message, status, parsed.success ? parsed.data.error.code : undefined);
}

/** A 2xx whose body is not what the protocol says. */
export function unexpectedAnswer(status: number): RelayApiError {
  return new RelayApiError('relay_error', 'The LifeScore relay answered with an unexpected response.', status);
}
