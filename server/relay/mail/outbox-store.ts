/** Which email of a booking event this is, for whom. */
export type MailKind =
  | 'created:organizer'
  | 'created:attendee'
  | 'rescheduled:organizer'
  | 'rescheduled:attendee'
  | 'cancelled:organizer'
  | 'cancelled:attendee'
  | 'requested:organizer'
  | 'requested:attendee'
  | 'rejected:attendee';

/** A fully rendered message (what the render step produces for one job; rows queued before issue 18 carry one). */
export interface OutboxMessage {
  readonly to: { readonly name: string; readonly address: string };
  readonly replyTo?: { readonly name: string; readonly address: string };
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly ics?: { readonly method: 'REQUEST' | 'CANCEL'; readonly content: string };
}

/** The consultant data an email is rendered with, as the mail gate decided it when the job was created. */
export interface JobProfile {
  readonly slug: string;
  readonly name: string;
  readonly email: string;
  readonly preparationTips: string;
  readonly emailsEnabled: boolean;
}

/**
 * One email to send, as a small job (issue 18): which stored event (channel + relay sequence), which email of it and
 * for whom. The message is rendered from the event when the job is sent, so the outbox never holds a rendered copy.
 * `key` is content-derived so a duplicate webhook maps to the same job.
 */
export interface NewOutboxItem {
  readonly key: string;
  readonly channelId: string;
  /** The event's relay sequence in its channel; 0 for rows queued before issue 18 (they carry `legacyMessage`). */
  readonly seq: number;
  readonly kind: MailKind;
  /** The recipient the gate admitted (its count is capped per event and per day when the job is created). */
  readonly to: { readonly name: string; readonly address: string };
  /** The consultant as the gate saw it (verified email); undefined: none known, the payload's organizer is used. */
  readonly profile?: JobProfile;
  readonly createdAt: number;
}

/** How far a channel's events have been planned into mail jobs (catch-up starts after it). */
export interface MailCursor {
  readonly channelId: string;
  readonly seq: number;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** A claimed row, handed to the worker. */
export interface OutboxRow extends NewOutboxItem {
  readonly id: number;
  readonly attempts: number;
  /** Only on rows queued before issue 18: the message rendered then, sent as is. */
  readonly legacyMessage?: OutboxMessage;
}

export interface OutboxCounts {
  /** Waiting or being sent (including rows waiting for a retry). */
  readonly pending: number;
  readonly sent: number;
  /** Permanently failed (5xx, or gave up): visible in metrics. */
  readonly failed: number;
}

/**
 * Storage port of the mail outbox: engine-neutral and asynchronous so a PostgreSQL adapter fits (claim there is
 * `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *`). Writes are durable when they resolve.
 */
export interface OutboxStore {
  /**
   * Inserts the items whose key is new and, in the same transaction, moves each cursor's channel forward to its
   * `seq` (never back); returns how many rows were inserted (duplicates are ignored). One call carries a whole planned
   * batch, whatever the number of channels in it (issue 18: a transaction per channel cost a burst across many
   * consultants ~3× the CPU per email of one across a few).
   */
  enqueue(items: readonly NewOutboxItem[], cursors?: readonly MailCursor[]): Promise<number>;
  /**
   * Claims up to `limit` rows that are due, oldest due first, walking one index in order (its cost does not grow with
   * the backlog; issue 18) (pending with nextAttemptAt ≤ now, or sending with an expired lease
   * left by a crashed worker), marking them sending until now + leaseMs.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxRow[]>;
  markSent(id: number, at: number): Promise<void>;
  /**
   * Several rows sent, recorded in one transaction (the worker records a batch once it is sent: a crash before
   * this resends at most that batch, with the same Message-IDs).
   */
  markSentAll(ids: readonly number[], at: number): Promise<void>;
  /** Back to pending, attempts + 1, retried at nextAttemptAt. */
  markRetry(id: number, nextAttemptAt: number, error: string): Promise<void>;
  /**
   * At start, before the first claim: hands back rows a previous run left "sending" that no live worker can hold,
   * so they go out now instead of after their lease. SQLite: one relay process per file, so every such row. PostgreSQL:
   * none (other live instances may hold leases, and a start can't tell theirs from a dead one's); they wait for it.
   */
  releaseOrphans(): Promise<number>;
  /** Hands a claimed row back untouched (the worker is stopping before it got to it). */
  release(id: number): Promise<void>;
  /** Permanently failed, attempts + 1. */
  markFailed(id: number, at: number, error: string): Promise<void>;
  /** Earliest time a row becomes due (a pending retry or an expiring lease), undefined when nothing waits. */
  nextDueAt(): Promise<number | undefined>;
  counts(): Promise<OutboxCounts>;
  /** Highest relay sequence whose emails were planned, per channel (undefined: never seen). For catch-up after a crash. */
  getCursor(channelId: string): Promise<number | undefined>;
  /** When the outbox was first created: events received before it are never mailed (no burst on upgrade). */
  installedAt(): Promise<number>;
  /**
   * The channel was deleted: drops its sent and failed rows and its cursor (personal data should not outlive the
   * channel); rows still pending are kept and sent, then pruned like any other.
   */
  forgetChannel(channelId: string): Promise<number>;
  /** Deletes sent and failed rows created before `before` (they hold personal data); returns how many. */
  prune(before: number): Promise<number>;
}
