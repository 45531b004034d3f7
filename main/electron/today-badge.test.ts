import { describe, expect, it, vi } from 'vitest';
import type { PushEvent } from '../../common/api';
import { localDayRange, startTodayBadge } from './today-badge';

describe('today badge', () => {
  it('covers the whole local day', () => {
    const { startDate, endDate } = localDayRange(new Date(2026, 10, 26, 15, 30));
    expect(new Date(startDate).getHours()).toBe(0);
    expect(new Date(endDate).getHours()).toBe(23);
    expect(new Date(endDate).getTime() - new Date(startDate).getTime()).toBe(86_400_000 - 1);
  });

  it('counts the sessions left today and recounts on bookings-changed', async () => {
    let listener: ((e: PushEvent) => void) | undefined;
    let total = 3;
    const listBookings = vi.fn(async (_query: unknown) => ({ items: [], total }));
    const setBadge = vi.fn();
    const stop = startTodayBadge({
      listBookings,
      setBadge,
      subscribe: (l) => ((listener = l), () => (listener = undefined)),
      now: () => new Date(2026, 10, 26, 9),
    });
    await vi.waitFor(() => expect(setBadge).toHaveBeenLastCalledWith(3));
    expect(listBookings.mock.calls[0]?.[0]).toMatchObject({ tab: 'upcoming', limit: 1 });
    total = 4;
    listener?.({ type: 'bookings-changed', uids: ['b'], reason: 'created' });
    await vi.waitFor(() => expect(setBadge).toHaveBeenLastCalledWith(4));
    listBookings.mockRejectedValueOnce(new Error('closed'));
    listener?.({ type: 'state', state: {} as never });
    await vi.waitFor(() => expect(setBadge).toHaveBeenLastCalledWith(0));
    stop();
    expect(listener).toBeUndefined();
  });
});
