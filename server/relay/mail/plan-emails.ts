import { createHash } from 'node:crypto';
import type { WebhookEnvelope } from '../../../common/calcom';
import { bookingFacts, type BookingFacts, type MailTrigger, type Person } from './booking-facts';
import { composeEmail, type ConsultantContext } from './compose-email';
import { buildIcs } from './ics';
import type { MailKind, NewOutboxItem } from './outbox-store';
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
export function dedupeKey(channelId: string, env: { triggerEvent: string; payload: { uid: string; startTime: string; iCalSequence?: number } }, kind: MailKind, address: string): string {
  const p = env.payload;
  const parts = ['v1', channelId, env.triggerEvent, p.uid, String(Date.parse(p.startTime)), String(p.iCalSequence ?? ''), kind, address.trim().toLowerCase()];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

export interface PlanContext {
  readonly channelId: string;
  /** undefined: no profile published yet; the payload's organizer data and the default tips are used. */
  readonly profile: MailProfile | undefined;
  readonly publicUrl: string;
  readonly now: number;
}

/** The emails one webhook asks for, rendered; [] for triggers that send none or when the consultant turned them off. */
export function planEmails(env: WebhookEnvelope, ctx: PlanContext): NewOutboxItem[] {
  if (env.triggerEvent === 'PING' || env.triggerEvent === 'BOOKING_NO_SHOW_UPDATED') return [];
  if (ctx.profile && !ctx.profile.emailsEnabled) return [];
  const f = bookingFacts(env.triggerEvent, env.createdAt, env.payload);
  if (!f) return [];
  const spec = KINDS[env.triggerEvent];
  const p = ctx.profile;
  // An empty name or slug (a verified consultant who published no profile yet) falls back like no profile.
  const consultant: Person = { ...f.organizer, name: p?.name || f.organizer.name, email: p?.email || f.organizer.email };
  const facts: BookingFacts = { ...f, organizer: consultant };
  const rebookUrl = p?.slug ? `${ctx.publicUrl}/consultations/${p.slug}` : f.calcomUrl && f.organizerUsername ? `${f.calcomUrl}/${encodeURIComponent(f.organizerUsername)}` : undefined;
  const cc: ConsultantContext = { name: consultant.name, tips: tipsFrom(p?.preparationTips), ...(rebookUrl ? { rebookUrl } : {}) };
  const ics = spec.ics ? buildIcs(facts, spec.ics, ctx.now) : undefined;

  const seen = new Set<string>();
  const items: NewOutboxItem[] = [];
  const add = (kind: MailKind, to: Person, replyTo: Person | undefined) => {
    const address = to.email.trim().toLowerCase();
    if (!address.includes('@') || seen.has(address)) return;
    seen.add(address);
    const content = composeEmail(kind, facts, to, kind.endsWith(':organizer') ? { ...cc, tips: [] } : cc);
    items.push({
      key: dedupeKey(ctx.channelId, env, kind, to.email),
      channelId: ctx.channelId,
      kind,
      createdAt: ctx.now,
      message: {
        to: { name: to.name, address: to.email },
        ...(replyTo ? { replyTo: { name: replyTo.name, address: replyTo.email } } : {}),
        subject: content.subject,
        text: renderText(content),
        html: renderHtml(content),
        ...(ics && spec.ics ? { ics: { method: spec.ics, content: ics } } : {}),
      },
    });
  };
  if (spec.organizer) add(spec.organizer, consultant, facts.attendees[0]);
  for (const a of facts.attendees) add(spec.attendee, a, consultant);
  return items;
}
