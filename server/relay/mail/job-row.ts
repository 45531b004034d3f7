import type { JobProfile, MailKind, NewOutboxItem, OutboxMessage, OutboxRow } from './outbox-store';

/** Row mapping shared by the SQLite and PostgreSQL outbox stores (same mail_job columns on both). */

/** A job row as both engines return it (PostgreSQL gives int8 columns as strings). */
export interface JobRecord {
  id: number | string;
  dedupe_key: string;
  channel_id: string;
  seq: number | string;
  kind: string;
  recipient: string;
  profile: string | null;
  legacy_message: string | null;
  attempts: number;
  created_at: number | string;
}

export const toOutboxRow = (r: JobRecord): OutboxRow => ({
  id: Number(r.id),
  key: r.dedupe_key,
  channelId: r.channel_id,
  seq: Number(r.seq),
  kind: r.kind as MailKind,
  to: JSON.parse(r.recipient) as OutboxRow['to'],
  ...(r.profile ? { profile: JSON.parse(r.profile) as JobProfile } : {}),
  ...(r.legacy_message ? { legacyMessage: JSON.parse(r.legacy_message) as OutboxMessage } : {}),
  attempts: r.attempts,
  createdAt: Number(r.created_at),
});

/** The job's recipient and profile as stored: small JSON, only what rendering reads. */
export const recipientJson = (i: NewOutboxItem): string => JSON.stringify({ name: i.to.name, address: i.to.address });
export const profileJson = (i: NewOutboxItem): string | null =>
  i.profile
    ? JSON.stringify({
        slug: i.profile.slug,
        name: i.profile.name,
        email: i.profile.email,
        preparationTips: i.profile.preparationTips,
        emailsEnabled: i.profile.emailsEnabled,
      })
    : null;
