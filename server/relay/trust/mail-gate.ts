import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { TrustConfig } from '../config';
import { channelLabel } from '../crypto';
import type { MailGate, MailProfile, NewOutboxItem } from '../mail';
import type { Profiles } from '../profile';
import { accountOfChannel } from './channel-status';
import type { TrustStore } from './trust-store';

/** Why an event's emails were not enqueued. */
export type MailRefusal = 'not_verified' | 'not_approved' | 'too_many_recipients' | 'daily_cap';

const MAIL_TRIGGERS = new Set([
  'BOOKING_CREATED',
  'BOOKING_RESCHEDULED',
  'BOOKING_CANCELLED',
  'BOOKING_REQUESTED',
  'BOOKING_REJECTED',
]);

/** Far above any Cal.com booking payload (a few KB): a larger body is not parsed on the main thread to log a refusal. */
const MAX_BOOKING_BYTES = 256 * 1024;

/** Whether the stored body asks for email at all (so a PING to an anonymous channel is not counted as a refusal). */
function asksForMail(body: Uint8Array): boolean {
  if (body.byteLength > MAX_BOOKING_BYTES) return false;
  try {
    const t = (JSON.parse(Buffer.from(body).toString('utf8')) as { triggerEvent?: unknown }).triggerEvent;
    return typeof t === 'string' && MAIL_TRIGGERS.has(t);
  } catch {
    return false;
  }
}

/** The consultant's own notifications (`created:organizer`, …): never counted against the daily cap. */
const toConsultant = (item: NewOutboxItem): boolean => item.kind.endsWith(':organizer');

/**
 * Email only for verified, approved consultants (DESIGN.md §4a): decides before anything is rendered, gives the
 * planner the VERIFIED consultant email (never the payload's organizer address), and caps recipients per event and
 * emails to attendees per account per UTC day. Refusals are logged and counted (`relay_mail_refused_total{reason}`),
 * never thrown.
 *
 * The daily cap counts only emails to attendees (security review 42): a booker who books and cancels over and over
 * used to spend the whole allowance, and the consultant then heard of no booking for the rest of the day. What
 * goes to the consultant's own verified address cannot be turned against anyone else, so it is never refused.
 */
export function createMailGate(deps: {
  trust: TrustStore;
  profiles: Profiles;
  config: Pick<TrustConfig, 'mailMaxRecipients' | 'mailDailyCap'>;
  registry: Registry;
  logger: Logger;
  now: () => number;
}): MailGate {
  const refused = new Counter({
    name: 'relay_mail_refused_total',
    help: 'Booking events whose emails the relay refused to send, by reason',
    labelNames: ['reason'],
    registers: [deps.registry],
  });
  const refuse = (channelId: string, reason: MailRefusal, extra: Record<string, number> = {}) => {
    refused.inc({ reason });
    deps.logger.warn({ channel: channelLabel(channelId), reason, ...extra }, 'mail refused');
  };
  const readAccount = (channelId: string) => accountOfChannel(deps.trust, channelId);
  // The mailer asks for a whole batch of events in one turn of the loop (up to 256, mostly a few channels): the
  // same channel's account and profile are read once per turn and shared, not once per booking (issue 18). Reads
  // made in one turn see the same state anyway; the next turn reads afresh, so an approval change is not missed.
  const accountOf = perTurn(readAccount);
  const profileOf = perTurn((channelId: string) => deps.profiles.getProfileForChannel(channelId));
  // The account admit() just read, for the limit() of the same event (issue 18: two lookups fewer per booking).
  const admitted = new Map<string, Awaited<ReturnType<typeof accountOf>>>();

  return {
    async admit(channelId, body) {
      const account = await accountOf(channelId);
      if (account?.approval !== 'approved') {
        admitted.delete(channelId);
        if (asksForMail(body)) refuse(channelId, account ? 'not_approved' : 'not_verified');
        return undefined;
      }
      if (admitted.size >= 10_000) admitted.clear();
      admitted.set(channelId, account);
      const published = await profileOf(channelId);
      const profile: MailProfile = {
        slug: published?.slug ?? '',
        name: published?.name ?? '',
        preparationTips: published?.preparationTips ?? '',
        emailsEnabled: published?.emailsEnabled ?? true,
        email: account.email,
      };
      return profile;
    },
    async limit(channelId, items) {
      if (items.length === 0) return items;
      const recipients = new Set(items.map((i) => i.to.address.trim().toLowerCase())).size;
      if (recipients > deps.config.mailMaxRecipients) {
        refuse(channelId, 'too_many_recipients', { recipients, max: deps.config.mailMaxRecipients });
        return [];
      }
      // Not deleted here: the other bookings of the batch on this channel are limited with it (each admit() before
      // its limit() refreshes or removes the entry).
      const account = admitted.get(channelId) ?? (await accountOf(channelId));
      if (!account) {
        refuse(channelId, 'not_verified');
        return [];
      }
      const counted = items.filter((i) => !toConsultant(i)).length;
      if (counted === 0) return items;
      const day = new Date(deps.now()).toISOString().slice(0, 10);
      if (!(await deps.trust.reserveMail(account.userId, day, counted, deps.config.mailDailyCap))) {
        refuse(channelId, 'daily_cap', { emails: counted, cap: deps.config.mailDailyCap });
        return items.filter(toConsultant);
      }
      return items;
    },
  };
}

/** Shares one lookup per key among the calls made in the same turn of the event loop; forgotten on the next. */
function perTurn<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const shared = new Map<string, Promise<T>>();
  return (key) => {
    let p = shared.get(key);
    if (!p) {
      if (shared.size === 0) setImmediate(() => shared.clear());
      p = read(key);
      shared.set(key, p);
    }
    return p;
  };
}
