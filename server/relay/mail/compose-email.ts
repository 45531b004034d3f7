import { assertNever } from '../../../common/errors';
import { capName } from './display-name';
import type { BookingFacts, Person } from './email-booking-facts';
import type { EmailContent, EmailDetail } from './email-content';
import { formatMinutes, formatRange, formatShort } from './format-time';
import type { MailKind } from './outbox-store';

/** Who the consultant is and what they tell clients, from the profile (or the payload when none is published). */
export interface ConsultantContext {
  readonly name: string;
  readonly tips: readonly string[];
  /** The consultant's public page (or Cal.com page) for booking again. */
  readonly rebookUrl?: string;
}

const names = (people: readonly Person[], shorten: (name: string) => string = (name) => name): string => {
  const n = people.map((p) => shorten(p.name));
  return n.length <= 3 ? n.join(', ') : `${n.slice(0, 3).join(', ')} and ${n.length - 3} more`;
};

/** "When" rows: the recipient's own time first, then each other party's zone that differs from it. */
function timeRows(
  label: string,
  f: BookingFacts,
  r: Person,
  others: readonly Person[],
  span = { startMs: f.startMs, endMs: f.endMs },
  struck = false,
): EmailDetail[] {
  const rows: EmailDetail[] = [
    { label: `${label} (your time)`, value: formatRange(span.startMs, span.endMs, r), struck },
  ];
  const seen = new Set([r.timeZone]);
  for (const o of others) {
    if (seen.has(o.timeZone)) continue;
    seen.add(o.timeZone);
    rows.push({ label: `${label} for ${o.name}`, value: formatRange(span.startMs, span.endMs, o), struck });
  }
  return rows;
}

function details(f: BookingFacts, r: Person, toOrganizer: boolean, withNew = false): EmailDetail[] {
  const others = toOrganizer ? f.attendees : [f.organizer];
  const rows: EmailDetail[] = [
    { label: 'Session', value: f.eventTitle },
    toOrganizer
      ? {
          label: f.attendees.length > 1 ? 'Clients' : 'Client',
          value: f.attendees.map((a) => `${a.name} <${a.email}>`).join(', '),
        }
      : { label: 'Consultant', value: f.organizer.name },
    ...timeRows(withNew ? 'New time' : 'When', f, r, others),
  ];
  if (withNew && f.previous) rows.push(...timeRows('Previous time', f, r, others.slice(0, 1), f.previous, true));
  rows.push({ label: 'Duration', value: formatMinutes(f.durationMinutes) });
  if (f.location) rows.push({ label: 'Location', value: f.location });
  if (f.meetingUrl) rows.push({ label: 'Meeting link', value: f.meetingUrl, href: f.meetingUrl });
  if (toOrganizer && f.notes) rows.push({ label: 'Notes from the client', value: f.notes });
  return rows;
}

/** Composes the email of one kind for one recipient; pure, so every wording is unit-testable. */
export function composeEmail(kind: MailKind, f: BookingFacts, r: Person, c: ConsultantContext): EmailContent {
  const when = formatShort(f.startMs, r);
  const org = c.name;
  const clients = names(f.attendees);
  // Subjects are headers: names in them are capped (display-name.ts); the body keeps them whole.
  const subjectOrg = capName(org);
  const subjectClients = names(f.attendees, capName);
  const join = f.meetingUrl ? { label: 'Join the session', href: f.meetingUrl } : undefined;
  const rebook = c.rebookUrl ? { label: `Book a new time with ${org}`, href: c.rebookUrl } : undefined;
  const toClient = `You're receiving this because you booked a session with ${org} through Cal.com.`;
  const toConsultant = 'Sent by your LifeScore relay. You can turn these emails off in LifeScore under Settings.';
  const tips = c.tips.length > 0 ? c.tips : undefined;
  switch (kind) {
    case 'created:attendee':
      return {
        subject: `Confirmed: ${f.eventTitle} with ${subjectOrg}, ${when}`,
        preheader: `Your session with ${org} is booked for ${when}.`,
        heading: 'Your session is booked',
        intro: `${org} is looking forward to meeting you. Here is everything you need.`,
        details: details(f, r, false),
        ...(join ? { action: join } : {}),
        ...(tips ? { tips } : {}),
        footer: toClient,
      };
    case 'created:organizer':
      return {
        subject: `New booking: ${subjectClients}, ${f.eventTitle}, ${when}`,
        preheader: `${clients} booked ${f.eventTitle} for ${when}.`,
        heading: 'You have a new booking',
        intro: `${clients} booked ${f.eventTitle} with you.`,
        details: details(f, r, true),
        ...(join ? { action: join } : {}),
        footer: toConsultant,
      };
    case 'rescheduled:attendee':
      return {
        subject: `Rescheduled: ${f.eventTitle} with ${subjectOrg}, now ${when}`,
        preheader: `Your session with ${org} moved to ${when}.`,
        heading: 'Your session has a new time',
        intro: `Your session with ${org} was moved. Your calendar invite is updated with the new time.`,
        details: details(f, r, false, true),
        ...(join ? { action: join } : {}),
        ...(tips ? { tips } : {}),
        footer: toClient,
      };
    case 'rescheduled:organizer':
      return {
        subject: `Rescheduled: ${subjectClients}, ${f.eventTitle}, now ${when}`,
        preheader: `${clients} moved ${f.eventTitle} to ${when}.`,
        heading: 'A booking was rescheduled',
        intro: `${clients}'s ${f.eventTitle} has a new time.`,
        details: details(f, r, true, true),
        ...(join ? { action: join } : {}),
        footer: toConsultant,
      };
    case 'cancelled:attendee':
      return {
        subject: `Cancelled: ${f.eventTitle} with ${subjectOrg}, ${when}`,
        preheader: `Your session with ${org} on ${when} is cancelled.`,
        heading: 'Your session was cancelled',
        intro: `Your session with ${org} will not take place.${rebook ? ' You are welcome to book a new time whenever it suits you.' : ''}`,
        details: details(f, r, false).filter((d) => d.label !== 'Meeting link'),
        // Only the consultant's own words: a booker's reason would reach them under the consultant's name.
        ...(f.reason && f.reasonFromConsultant ? { notice: { title: 'Reason given', text: f.reason } } : {}),
        ...(rebook ? { action: rebook } : {}),
        footer: toClient,
      };
    case 'cancelled:organizer':
      return {
        subject: `Cancelled: ${subjectClients}, ${f.eventTitle}, ${when}`,
        preheader: `${clients}'s ${f.eventTitle} on ${when} is cancelled.`,
        heading: 'A booking was cancelled',
        intro: `${clients}'s ${f.eventTitle} will not take place.`,
        details: details(f, r, true).filter((d) => d.label !== 'Meeting link'),
        ...(f.reason ? { notice: { title: 'Reason given', text: f.reason } } : {}),
        footer: toConsultant,
      };
    case 'requested:attendee':
      return {
        subject: `Request received: ${f.eventTitle} with ${subjectOrg}, ${when}`,
        preheader: `${org} will confirm your request soon.`,
        heading: 'Awaiting confirmation',
        intro: `Thanks for your request. ${org} will confirm it soon, and you will get another email when it is confirmed.`,
        details: details(f, r, false).filter((d) => d.label !== 'Meeting link'),
        ...(tips ? { tips } : {}),
        footer: toClient,
      };
    case 'requested:organizer':
      return {
        subject: `Please confirm: ${subjectClients} requested ${f.eventTitle}, ${when}`,
        preheader: `${clients} is waiting for your confirmation.`,
        heading: 'A booking is waiting for your confirmation',
        intro: `${clients} requested ${f.eventTitle}. Please confirm or decline it in Cal.com.`,
        details: details(f, r, true),
        ...(f.calcomUrl ? { action: { label: 'Review in Cal.com', href: `${f.calcomUrl}/bookings/unconfirmed` } } : {}),
        footer: toConsultant,
      };
    case 'rejected:attendee':
      return {
        subject: `Not confirmed: ${f.eventTitle} with ${subjectOrg}, ${when}`,
        preheader: `${org} could not confirm your request.`,
        heading: 'Your request could not be confirmed',
        intro: `${org} could not take this session.${rebook ? ' Please choose another time that suits you.' : ''}`,
        details: details(f, r, false).filter((d) => d.label !== 'Meeting link'),
        ...(f.reason ? { notice: { title: 'Note from the consultant', text: f.reason } } : {}),
        ...(rebook ? { action: rebook } : {}),
        footer: toClient,
      };
    default:
      return assertNever(kind);
  }
}
