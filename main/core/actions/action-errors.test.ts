import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../../common/errors';
import { CalcomApiError } from '../calcom/calcom-http';
import { classifyActionFailure } from './action-errors';

const refused = (status: number, apiMessage?: string) =>
  new CalcomApiError('calcom_error', 'refused', status, apiMessage);

describe('classifyActionFailure', () => {
  it.each([
    [refused(400, 'This booking has already been cancelled.'), 'cancel', 'booking_already_cancelled'],
    [refused(400, 'This booking has already been rejected.'), 'accept', 'booking_already_cancelled'],
    [refused(400, 'Booking with uid=x is not pending confirmation.'), 'decline', 'booking_not_pending'],
    [refused(400, 'Cannot cancel a booking that has already ended.'), 'cancel', 'booking_in_past'],
    [refused(400, 'Cannot mark absence of a booking that has not started yet.'), 'no-show', 'booking_in_past'],
    [
      refused(403, 'insufficient_scope: token does not have the required scopes. Required: BOOKING_WRITE.'),
      'accept',
      'permission_needed',
    ],
    [refused(403, 'User with id=1 is not the owner of booking with uid=x'), 'cancel', 'booking_not_owner'],
    [refused(404, 'Booking with uid=x was not found in the database'), 'cancel', 'not_found'],
    [refused(400, 'something else'), 'cancel', 'calcom_error'],
    [new CalcomApiError('calcom_unavailable', 'down', 500), 'cancel', 'calcom_unavailable'],
    [new CalcomApiError('calcom_rate_limited', 'slow', 429), 'accept', 'calcom_rate_limited'],
    [new CalcomApiError('reconnect_needed', 'gone', 401), 'accept', 'reconnect_needed'],
    [new CalcomApiError('calcom_unavailable', 'unreachable', undefined), 'accept', 'calcom_unavailable'],
  ] as const)('%s during %s → %s', (err, action, code) => {
    const out = classifyActionFailure(err, action);
    expect(out).toBeInstanceOf(AppFailure);
    expect((out as AppFailure).code).toBe(code);
  });

  it('names the action and never leaks Cal.com internals beyond its message', () => {
    const out = classifyActionFailure(
      refused(400, 'This booking has already been cancelled.'),
      'request-reschedule',
    ) as AppFailure;
    expect(out.message).toMatch(/ask for a reschedule/);
    expect(classifyActionFailure(new Error('boom'), 'cancel')).toBeInstanceOf(Error);
  });
});
