import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { BookingFacts } from './booking-facts';

/**
 * The invite as iCalendar text (RFC 5546 iTIP): REQUEST for a new or moved booking, CANCEL for a cancelled one.
 * UID is Cal.com's iCalUID, which stays the same across a reschedule, so calendars move the event instead of
 * adding a second one; SEQUENCE is Cal.com's iCalSequence, which increases with every change.
 */
export function buildIcs(f: BookingFacts, method: 'REQUEST' | 'CANCEL', stampMs: number): string {
  const cal = ical({
    prodId: { company: 'LifeScore', product: 'Relay', language: 'EN' },
    method: method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
  });
  const description = [f.meetingUrl ? `Join: ${f.meetingUrl}` : undefined, f.notes].filter(Boolean).join('\n\n');
  cal.createEvent({
    id: f.icalUid,
    sequence: f.icalSequence,
    stamp: new Date(stampMs),
    start: new Date(f.startMs),
    end: new Date(f.endMs),
    summary: `${f.eventTitle}: ${f.organizer.name} and ${f.attendees.map((a) => a.name).join(', ')}`,
    ...(description ? { description } : {}),
    location: f.meetingUrl ?? f.location ?? null,
    url: f.meetingUrl ?? null,
    status: method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: f.organizer.name, email: f.organizer.email },
    attendees: f.attendees.map((a) => ({
      name: a.name,
      email: a.email,
      role: ICalAttendeeRole.REQ,
      status: method === 'CANCEL' ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.ACCEPTED,
    })),
  });
  return cal.toString();
}
