import type { ApiHandlers, PushEvent } from '../../common/api';

/** Start and end of the local day containing `now` (the consultant's computer is in the consultant's zone). */
export function localDayRange(now: Date): { startDate: string; endDate: string } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 0, 0, 0, 0);
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 23, 59, 59, 999);
  return { startDate: start.toISOString(), endDate: end.toISOString() };
}

export interface TodayBadgeDeps {
  readonly listBookings: ApiHandlers['listBookings'];
  readonly subscribe: (listener: (event: PushEvent) => void) => () => void;
  /** app.setBadgeCount (macOS dock, Linux Unity launchers; a no-op elsewhere). */
  readonly setBadge: (count: number) => void;
  readonly now?: () => Date;
  readonly everyMs?: number;
}

/**
 * Keeps the dock/launcher badge at the number of sessions still ahead today: recounted when bookings change,
 * after syncs, and every few minutes (so it ticks down as sessions pass and resets at midnight).
 */
export function startTodayBadge(deps: TodayBadgeDeps): () => void {
  const now = deps.now ?? (() => new Date());
  let running: Promise<void> | null = null;
  let again = false;
  const recount = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        const current = now();
        const { endDate } = localDayRange(current);
        const page = await deps.listBookings({
          tab: 'upcoming',
          status: ['scheduled', 'pending'],
          startDate: current.toISOString(),
          endDate,
          offset: 0,
          limit: 1,
        });
        deps.setBadge(page.total);
      } catch {
        // Not connected yet or the store is closing: no badge rather than a wrong one.
        deps.setBadge(0);
      } finally {
        running = null;
        if (again) {
          again = false;
          recount();
        }
      }
    })();
  };
  const unsubscribe = deps.subscribe((event) => {
    if (event.type === 'bookings-changed' || event.type === 'state') recount();
  });
  const timer = setInterval(recount, deps.everyMs ?? 5 * 60_000);
  timer.unref?.();
  recount();
  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}
