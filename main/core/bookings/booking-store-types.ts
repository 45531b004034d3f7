import type { V2Booking, WebhookEnvelope } from '../../../common/calcom';
import type { BookingStore } from '../sync/sync-types';
import type { ChangeReason } from './facts-from-calcom';
import type { InboxEntry } from './relay-inbox';
import type { ReadIssueInput } from './read-issues';
import type { CalcomReadIssue } from '../../../common/diagnostics';

/** The store's interface as sync uses it (openBookingStore returns it). */

/** Bookings whose stored state changed, and why. */
export interface BookingChange {
  readonly uids: readonly string[];
  readonly reason: ChangeReason;
}

/** One event taken from the relay: applied (a valid, verified envelope) or quarantined (kept, never applied). */
export type RelayEventInput = {
  readonly channel: string;
  readonly seq: number;
  readonly body: Buffer;
} & (
  | { readonly kind: 'apply'; readonly envelope: WebhookEnvelope }
  /** Verified, but nothing the app acts on (a trigger it does not handle): kept as applied, changes nothing. */
  | { readonly kind: 'ignore'; readonly reason: string; readonly trigger?: string }
  | { readonly kind: 'quarantine'; readonly reason: string; readonly trigger?: string }
);

export interface RelayEventResult {
  readonly duplicate: boolean;
  readonly change: BookingChange | null;
  /** The channel's cursor after this event (highest contiguous sequence taken). */
  readonly cursor: number;
}

/** The booking store plus what sync needs: applying events, the relay inbox and cursor, and metadata. */
export interface SyncBookingStore extends BookingStore {
  /** Applies a webhook envelope directly (no inbox). */
  applyEvent(envelope: WebhookEnvelope): BookingChange | null;
  /** Upserts a v2 booking (reconciliation) through the same transition. */
  upsertFromCalcom(booking: V2Booking): BookingChange | null;
  /** Inbox insert + booking change + cursor advance, in one transaction; a known (channel, seq) is a no-op. */
  recordRelayEvent(input: RelayEventInput): RelayEventResult;
  /**
   * Runs `fn` in one transaction: the store's calls inside it join it and commit together. If `fn` or any of
   * those calls throws, nothing commits (even when `fn` caught the error): redo what should be kept.
   */
  transaction<T>(fn: () => T): T;
  hasRelayEvent(channel: string, seq: number): boolean;
  relayCursor(channel: string): number;
  /** Skips the cursor to `seq` (the relay no longer retains the events before it). */
  raiseRelayCursor(channel: string, seq: number): number;
  /** Rewinds the cursor to `seq`, forgetting inbox entries after it: the relay's log restarted (data loss there). */
  rewindRelayCursor(channel: string, seq: number): void;
  maxRelaySeq(channel: string): number;
  quarantinedCount(channel: string): number;
  quarantined(channel: string): readonly InboxEntry[];
  /** Deletes applied inbox rows received before `before` (ms) and at or below the cursor; quarantined rows stay. */
  pruneInbox(before: number): number;
  /** Scheduled bookings that have ended become completed; returns their uids. */
  sweepCompleted(): readonly string[];
  /**
   * Makes `userId` the account whose bookings the store shows (issue 22): another account's rows are parked, this
   * account's parked rows come back, rows from before accounts were recorded are adopted.
   */
  useAccount(userId: number): { parked: number; restored: number };
  activeAccount(): number | null;
  recordReadIssue(userId: number, issue: ReadIssueInput): void;
  readIssueResolved(userId: number, uid: string): void;
  readIssues(userId: number): readonly CalcomReadIssue[];
  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;
}
