import { nextTurn } from '../next-turn';
import { mayHaveMore, type PageBounds } from '../store/event-page';
import type { MailLogger } from './mail-logger';
import type { OutboxStore } from './outbox-store';

/** A stored relay event as the catch-up reads it (store/types.ts StoredEvent fits). */
export interface LoggedEvent {
  readonly seq: number;
  readonly receivedAt: number;
  readonly body: Buffer;
}

/** The relay's event log, read-only: what RelayStore already offers (backlog() lists every channel). */
export interface MailEventLog {
  backlog(): Promise<ReadonlyArray<{ readonly channelId: string }>>;
  listEvents(channelId: string, afterSeq: number, limit: number, maxBytes?: number): Promise<readonly LoggedEvent[]>;
}

/** A page of the log at startup: bounded by bytes too, since events are as large as RELAY_BODY_LIMIT allows. */
const CATCH_UP_PAGE: PageBounds = { limit: 200, maxBytes: 4 * 1024 * 1024 };
/**
 * Channels looked at between two turns of the event loop. Every channel costs two reads even when it has nothing new,
 * and on SQLite those are synchronous: 200,000 channels held the loop 2.6 s at startup (security review 41), with
 * the relay already answering webhooks.
 */
const CHANNELS_PER_TURN = 100;

export interface CatchUpOptions {
  readonly log: MailEventLog;
  readonly store: OutboxStore;
  /** Plans and enqueues one event (advancing the cursor); or just advances the cursor when `skip` is set. */
  readonly enqueue: (channelId: string, event: LoggedEvent, skip: boolean) => Promise<number>;
  readonly now: number;
  /** Events older than this are not mailed late (a confirmation days after the fact helps nobody). */
  readonly maxAgeMs: number;
  readonly logger: MailLogger;
}

/**
 * Plans the emails of events committed after the mailer's cursor: the relay calls onEventStored after its commit,
 * so a crash between the two would otherwise lose those emails. Enqueueing is idempotent, so replaying is safe.
 */
export async function catchUp(o: CatchUpOptions): Promise<number> {
  const notBefore = Math.max(await o.store.installedAt(), o.now - o.maxAgeMs);
  let added = 0;
  let looked = 0;
  for (const { channelId } of await o.log.backlog()) {
    if (++looked % CHANNELS_PER_TURN === 0) await nextTurn();
    let after = (await o.store.getCursor(channelId)) ?? 0;
    for (;;) {
      const page = await o.log.listEvents(channelId, after, CATCH_UP_PAGE.limit, CATCH_UP_PAGE.maxBytes);
      for (const e of page) added += await o.enqueue(channelId, e, e.receivedAt < notBefore);
      if (!mayHaveMore(page, CATCH_UP_PAGE)) break;
      await nextTurn();
      after = page[page.length - 1]?.seq ?? after;
    }
  }
  if (added > 0) o.logger.info({ added }, 'mail: caught up with events committed before the last stop');
  return added;
}
