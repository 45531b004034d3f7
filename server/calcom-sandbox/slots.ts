import type { SandboxBooking, SandboxEventType, SandboxUser } from './state';
import { localDate, zonedToUtc } from './time-zones';

/** The sandbox consultants' fixed availability: weekdays 09:00–17:00 in their own time zone. */
export const WORK_START_HOUR = 9;
export const WORK_END_HOUR = 17;
export const SLOT_DAYS = 14;

/** True when [start, end) overlaps an active (accepted or pending) booking of the user. */
export function overlapsActiveBooking(
  bookings: readonly SandboxBooking[],
  userId: number,
  start: Date,
  end: Date,
  ignoreUid?: string,
): boolean {
  return bookings.some(
    (b) =>
      b.userId === userId &&
      b.uid !== ignoreUid &&
      (b.status === 'ACCEPTED' || b.status === 'PENDING') &&
      Date.parse(b.start) < end.getTime() &&
      Date.parse(b.end) > start.getTime(),
  );
}

/** Free slot start times for the next SLOT_DAYS days, honouring minimum notice and existing bookings. */
export function freeSlots(
  et: SandboxEventType,
  user: SandboxUser,
  bookings: readonly SandboxBooking[],
  now: Date,
  ignoreUid?: string,
): Date[] {
  const step = (et.slotInterval ?? et.lengthInMinutes) * 60_000;
  const length = et.lengthInMinutes * 60_000;
  const earliest = now.getTime() + et.minimumBookingNotice * 60_000;
  const out: Date[] = [];
  for (let i = 0; i <= SLOT_DAYS; i++) {
    const day = localDate(new Date(now.getTime() + i * 86_400_000), user.timeZone);
    if (day.weekday === 0 || day.weekday === 6) continue;
    const dayStart = zonedToUtc(day.year, day.month, day.day, WORK_START_HOUR, 0, user.timeZone).getTime();
    const dayEnd = zonedToUtc(day.year, day.month, day.day, WORK_END_HOUR, 0, user.timeZone).getTime();
    for (let t = dayStart; t + length <= dayEnd; t += step) {
      if (t < earliest || t > now.getTime() + SLOT_DAYS * 86_400_000) continue;
      const start = new Date(t);
      if (!overlapsActiveBooking(bookings, user.id, start, new Date(t + length), ignoreUid)) out.push(start);
    }
  }
  // Consecutive local days can map to the same slot around DST changes; keep each instant once.
  return [...new Map(out.map((d) => [d.getTime(), d])).values()];
}
