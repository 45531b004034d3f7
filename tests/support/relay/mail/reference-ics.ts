import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { BookingFacts } from '../../../../server/relay/mail/email-booking-facts';

/** The invite as ical-generator 10 wrote it before issue 18: the reference our hand-written output must match. */
export function referenceIcs(f: BookingFacts, method: 'REQUEST' | 'CANCEL', stampMs: number): string {
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
