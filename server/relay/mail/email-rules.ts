import { createHash } from 'node:crypto';
import type { WebhookEnvelope } from '../../../common/calcom';
import { bookingFacts, sameAddress, type BookingFacts, type MailTrigger, type Person } from './email-booking-facts';
import { composeEmail, type ConsultantContext } from './compose-email';
import { fitsHeader } from './display-name';
import { buildIcs } from './ics';
import type { MailKind, NewOutboxItem, OutboxMessage } from './outbox-store';
import { renderHtml } from './render-html';
import { renderText } from './render-text';

/** The consultant's published settings the mailer reads (profile/profiles.ts getProfileForChannel). */
export interface MailProfile {
  readonly slug: string;
  readonly name: string;
  readonly email: string;
  readonly preparationTips: string;
  readonly emailsEnabled: boolean;
}

/** Used when the consultant has written no tips (or published no profile yet): the original document's emails always carry some. */
export const DEFAULT_TIPS: readonly string[] = [
  'Find a quiet, private place where you can talk freely.',
  'Test your camera, microphone and connection a few minutes before the start.',
  'Note down what you would like to talk about, and keep a glass of water nearby.',
];

const KINDS: Record<MailTrigger, { organizer?: MailKind; attendee: MailKind; ics?: 'REQUEST' | 'CANCEL' }> = {
  BOOKING_CREATED: { organizer: 'created:organizer', attendee: 'created:attendee', ics: 'REQUEST' },
  BOOKING_RESCHEDULED: { organizer: 'rescheduled:organizer', attendee: 'rescheduled:attendee', ics: 'REQUEST' },
  BOOKING_CANCELLED: { organizer: 'cancelled:organizer', attendee: 'cancelled:attendee', ics: 'CANCEL' },
  // No invite while unconfirmed: it would put a session in the client's calendar that may never happen.
  BOOKING_REQUESTED: { organizer: 'requested:organizer', attendee: 'requested:attendee' },
  BOOKING_REJECTED: { attendee: 'rejected:attendee' },
};

/** Splits the consultant's free-text tips into items ("- ", "* ", "• " bullets tolerated). */
export function tipsFrom(text: string | undefined): readonly string[] {
  const items = (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
    .filter((l) => l !== '');
  return items.length > 0 ? items : DEFAULT_TIPS;
}

/**
 * Content-derived idempotency key: a duplicate delivery of the same Cal.com event (same trigger, uid, start and
 * iCalSequence; Cal.com sends no event id) maps to the same row for each recipient and kind, whatever its relay sequence.
 */
export function dedupeKey(
  channelId: string,
  env: { triggerEvent: string; payload: { uid: string; startTime: string; iCalSequence?: number } },
  kind: MailKind,
  address: string,
): string {
  const p = env.payload;
  const parts = [
    'v1',
    channelId,
    env.triggerEvent,
    p.uid,
    String(Date.parse(p.startTime)),
    String(p.iCalSequence ?? ''),
    kind,
    address.trim().toLowerCase(),
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

export interface PlanContext {
  readonly channelId: string;
  /** The event's relay sequence (the job points at it); 0 in tests that only look at content. */
  readonly seq?: number;
  /** undefined: no profile published yet; the payload's organizer data and the default tips are used. */
  readonly profile: MailProfile | undefined;
  readonly publicUrl: string;
  readonly now: number;
}

/** What an email is rendered from besides the job: the booking facts, its consultant and shared parts. */
interface EventView {
  readonly spec: (typeof KINDS)[MailTrigger];
  readonly facts: BookingFacts;
  readonly consultant: Person;
  readonly cc: ConsultantContext;
}

function viewOf(env: WebhookEnvelope, profile: MailProfile | undefined, publicUrl: string): EventView | undefined {
  if (env.triggerEvent === 'PING' || env.triggerEvent === 'BOOKING_NO_SHOW_UPDATED') return undefined;
  if (profile && !profile.emailsEnabled) return undefined;
  const f = bookingFacts(env.triggerEvent, env.createdAt, env.payload);
  if (!f) return undefined;
  const p = profile;
  // An empty name or slug (a verified consultant who published no profile yet) falls back like no profile.
  const consultant: Person = {
    ...f.organizer,
    name: p?.name || f.organizer.name,
    email: p?.email || f.organizer.email,
  };
  const facts: BookingFacts = {
    ...f,
    organizer: consultant,
    // The verified address may differ from the payload's organizer address; either is the consultant.
    reasonFromConsultant: f.reasonFromConsultant || sameAddress(f.cancelledBy, consultant.email),
  };
  const rebookUrl = p?.slug
    ? `${publicUrl}/consultations/${p.slug}`
    : f.calcomUrl && f.organizerUsername
      ? `${f.calcomUrl}/${encodeURIComponent(f.organizerUsername)}`
      : undefined;
  const cc: ConsultantContext = {
    name: consultant.name,
    tips: tipsFrom(p?.preparationTips),
    ...(rebookUrl ? { rebookUrl } : {}),
  };
  return { spec: KINDS[env.triggerEvent], facts, consultant, cc };
}

/**
 * The emails one webhook asks for, as small jobs (kind and recipient; nothing rendered): [] for triggers that send
 * none or when the consultant turned them off. Cheap (no HTML, text or iCalendar), so the gate can cap recipients
 * and count the day's emails when the jobs are created, and the rendering waits for the send (renderJob).
 *
 * Only the consultant and the booker (the first attendee) are mailed, as in the original integration ("consultant
 * and attendee"). Guests are addresses the booker typed: mailing them let anyone send LifeScore-branded email with
 * their own text to any address (security review 42), and Cal.com mails them itself.
 */
export function planJobs(env: WebhookEnvelope, ctx: PlanContext): NewOutboxItem[] {
  if (env.triggerEvent === 'PING' || env.triggerEvent === 'BOOKING_NO_SHOW_UPDATED') return [];
  const view = viewOf(env, ctx.profile, ctx.publicUrl);
  if (!view) return [];
  const { spec, facts, consultant } = view;
  const profile = ctx.profile && {
    slug: ctx.profile.slug,
    name: ctx.profile.name,
    email: ctx.profile.email,
    preparationTips: ctx.profile.preparationTips,
    emailsEnabled: ctx.profile.emailsEnabled,
  };
  const seen = new Set<string>();
  const items: NewOutboxItem[] = [];
  const add = (kind: MailKind, to: Person) => {
    const address = to.email.trim().toLowerCase();
    if (!address.includes('@') || !fitsHeader(address) || seen.has(address)) return;
    seen.add(address);
    items.push({
      key: dedupeKey(ctx.channelId, env, kind, to.email),
      channelId: ctx.channelId,
      seq: ctx.seq ?? 0,
      kind,
      to: { name: to.name, address: to.email },
      ...(profile ? { profile } : {}),
      createdAt: ctx.now,
    });
  };
  if (spec.organizer) add(spec.organizer, consultant);
  const booker = facts.attendees[0];
  if (booker) add(spec.attendee, booker);
  return items;
}

/** Renders one job's email from its event: HTML, text and (for invites) the iCalendar attachment. */
export function renderJob(
  env: WebhookEnvelope,
  job: Pick<NewOutboxItem, 'kind' | 'to' | 'profile' | 'createdAt'>,
  publicUrl: string,
  cache?: Map<string, unknown>,
): OutboxMessage | undefined {
  const view = viewOf(env, job.profile, publicUrl);
  if (!view) return undefined;
  const { spec, facts, consultant, cc } = view;
  const toOrganizer = job.kind.endsWith(':organizer');
  const booker = facts.attendees[0];
  const to = toOrganizer ? consultant : booker;
  // A guest's job queued before guests stopped being mailed is not sent: it renders nothing (recorded failed).
  if (!to || (!toOrganizer && !sameAddress(to.email, job.to.address))) return undefined;
  const replyTo: Person | undefined = toOrganizer ? booker : consultant;
  const content = composeEmail(job.kind, facts, to, toOrganizer ? { ...cc, tips: [] } : cc);
  // The invite is the same for every recipient on one side of an event: rendered once per batch when a cache is given.
  const audience = toOrganizer ? 'organizer' : 'attendee';
  const icsKey =
    spec.ics &&
    `${facts.icalUid}\u0000${facts.icalSequence}\u0000${spec.ics}\u0000${job.createdAt}\u0000${facts.startMs}\u0000${audience}`;
  let ics: string | undefined;
  if (spec.ics && icsKey) {
    ics = cache?.get(icsKey) as string | undefined;
    if (ics === undefined) {
      ics = buildIcs(facts, spec.ics, job.createdAt, audience);
      cache?.set(icsKey, ics);
    }
  }
  return {
    to: { name: to.name, address: to.email },
    ...(replyTo ? { replyTo: { name: replyTo.name, address: replyTo.email } } : {}),
    subject: content.subject,
    text: renderText(content),
    html: renderHtml(content),
    ...(ics && spec.ics ? { ics: { method: spec.ics, content: ics } } : {}),
  };
}

/** A job with its email rendered (tests, and the mail-preview tooling): planJobs + renderJob. */
export type RenderedItem = NewOutboxItem & { readonly message: OutboxMessage };

/** The emails one webhook asks for, rendered; [] for triggers that send none or when the consultant turned them off. */
export function planEmails(env: WebhookEnvelope, ctx: PlanContext): RenderedItem[] {
  const cache = new Map<string, unknown>();
  return planJobs(env, ctx).flatMap((job) => {
    const message = renderJob(env, job, ctx.publicUrl, cache);
    return message ? [{ ...job, message }] : [];
  });
}
