import { describe, expect, it } from 'vitest';
import { bookingStatuses } from '../../../common/booking';
import { bookingStatusLabels, bookingStatusOrder } from './status-badge';

describe('bookingStatusOrder', () => {
  it('is common/booking’s bookingStatuses, in the same order', () => {
    expect(bookingStatusOrder).toEqual(bookingStatuses);
  });

  it('has words for every status', () => {
    for (const status of bookingStatuses) expect(bookingStatusLabels[status]).toMatch(/\S/);
  });
});
