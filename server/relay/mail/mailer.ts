import type Database from 'better-sqlite3';
import { catchUp, type MailEventLog } from './catch-up';
import type { MailLogger } from './mail-logger';
import type { NewOutboxItem, OutboxCounts, OutboxRow, OutboxStore } from './outbox-store';
import type { RenderRequest } from './render-batch';
import { inlinePlanner, type EmailPlanner } from './planner';
import { unpacedMail, type MailPacer } from './mail-pacer';
import { createPlanQueue, type WaitingEvent } from './plan-queue';
import type { MailProfile } from './email-rules';
import { defaultRetry, type RetryOptions } from './retry-policy';
import { createSqliteOutboxStore } from '../store/sqlite/sqlite-outbox-store';
import { createMailTransport, type TransportOptions } from './transport';
import { createOutboxWorker } from './worker';

export interface MailerOptions {
  /** The database the outbox tables live in (may be the relay's own file); or pass `outbox` for another engine. */
  readonly db?: Database.Database;
  readonly outbox?: OutboxStore;
  readonly dataDir: string;
  /** Unset: the embedded default writes .eml files to `${dataDir}/mail-outbox/`. */
  readonly smtpUrl?: string;
  readonly mailFrom?: string;
  /** The relay's public base URL (a function because it is only known after listen when the port is 0). */
  readonly publicUrl: string | (() => string);
  readonly profiles: { getProfileForChannel(channelId: string): Promise<MailProfile | undefined> };
  readonly logger: MailLogger;
  readonly now?: () => number;
  readonly retry?: Partial<RetryOptions>;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  /** Sent and failed rows are deleted this long after enqueue (they hold personal data). Default 30 days. */
  readonly keepDoneMs?: number;
  readonly smtpTimeoutsMs?: TransportOptions['timeoutsMs'];
  /** SMTP sessions open at once (default DEFAULT_SMTP_CONNECTIONS; Microsoft 365 takes 3 per mailbox). */
  readonly smtpMaxConnections?: number;
  /**
   * The relay's event log (its RelayStore fits). When given, start() first mails events committed after the
   * mailer's cursor, e.g. just before a crash; events older than catchUpMaxAgeMs (default 1 day) are skipped.
   */
  readonly eventLog?: MailEventLog;
  /**
   * Where the sender reads a job's event when it is no longer in memory (after a restart): the relay's store. Default
   * eventLog. Without either, only events planned by this process can be rendered.
   */
  readonly eventReader?: MailEventReader;
  /** Called when a job is finished (sent, or failed for good): benchmarks count with it. */
  readonly onJobFinished?: (row: OutboxRow) => void;
  /** Bodies of events with unsent jobs kept in memory so the send needs no read (default 16 MiB, oldest dropped). */
  readonly bodyCacheBytes?: number;
  readonly catchUpMaxAgeMs?: number;
  readonly random?: () => number;
  /** Where emails are rendered (default: this thread); the mailer closes it on stop. The relay uses a worker thread. */
  readonly planner?: EmailPlanner;
  /** Who may cause email at all, and how much (issue 16, trust/mail-gate.ts); without it every channel may. */
  readonly gate?: MailGate;
  /** Steps mail work aside while ingest is busy (mail-pacer.ts); default: never paced. */
  readonly pacer?: MailPacer;
  /**
   * Webhook bodies kept in memory for events waiting to be planned (default 4 MiB); past it, a waiting event keeps
   * only its sequence and its body is read back from the event log when planned, so a burst does not grow memory.
   */
  readonly planQueueBytes?: number;
  /**
   * How long the first event stored after a quiet spell waits for others to be planned with it (default
   * DEFAULT_PLAN_GATHER_MS; 0: next turn of the loop).
   */
  readonly planGatherMs?: number;
}

/**
 * Planning a lone event costs as much as planning a batch of them: a gate reservation, a round trip to the mail
 * thread and an outbox transaction, then a claim, a render and a "sent" transaction for its jobs. At 100 webhooks/s
 * each event was its own batch and the relay spent ~2.9 ms of CPU per webhook with its emails; waiting 50 ms for the
 * events that follow brought that to ~2.1 ms (measured on 2026-12-05; 100 and 200 ms gained nothing more). Email is
 * not hurried by 50 ms. During a burst (the pacer's busy()) planning does not wait: batches form by themselves while
 * one is planned, and at 1,000/s on PostgreSQL three alternated runs with the wait read a paced p99 of 42.8–59.2 ms
 * and 485–530 µs of CPU per webhook, against 31.8–49.7 ms and 416–461 µs without it.
 */
export const DEFAULT_PLAN_GATHER_MS = 50;
/** Bodies of one planning batch, besides its 256 events: a booking is a few KB, so this only bounds giant ones. */
const PLAN_BATCH_BYTES = 8 * 2 ** 20;

/** The relay's say on an event's emails, asked before planning and again on the planned rows. */
export interface MailGate {
  /** undefined: this channel sends nothing (the event is still relayed); else the profile to plan with. */
  admit(channelId: string, body: Uint8Array): Promise<MailProfile | undefined>;
  /** The planned rows that may be enqueued (recipient and daily caps); [] refuses them all. */
  limit(channelId: string, items: NewOutboxItem[]): Promise<NewOutboxItem[]>;
}

/** Reads one stored event (RelayStore.listEvents fits through eventReaderOf). */
export interface MailEventReader {
  listEvents(
    channelId: string,
    afterSeq: number,
    limit: number,
  ): Promise<ReadonlyArray<{ readonly seq: number; readonly body: Buffer }>>;
}

/** The part of a stored relay event the mailer reads (store/types.ts StoredEvent fits). */
export interface MailSourceEvent {
  readonly seq: number;
  readonly body: Buffer;
}

export interface Mailer {
  /** The relay's onEventStored listener: plans and enqueues the event's emails in the background. */
  onEventStored(channelId: string, event: MailSourceEvent): void;
  /** Same, awaited; resolves with the number of new outbox rows (0 for duplicates and ignored events). */
  enqueueEvent(channelId: string, event: MailSourceEvent): Promise<number>;
  start(): void;
  /** Waits for enqueues in flight and the send in progress; does not close the database. */
  stop(): Promise<void>;
  /** Call when a channel is deleted: its delivered/failed rows and cursor go (pending mail is still sent). */
  forgetChannel(channelId: string): Promise<number>;
  /** Outbox counts for metrics. */
  stats(): Promise<OutboxCounts>;
  /**
   * Stored events whose emails are not planned yet (waiting for the planner, or being planned): their jobs are not
   * in the outbox, so an empty outbox with events still here is not "all mail sent".
   */
  unplanned(): number;
  /** Where mail goes: SMTP URL without credentials, or the .eml folder (print it at startup). */
  readonly destination: string;
  readonly transportKind: 'smtp' | 'eml';
}

const DAY = 24 * 60 * 60_000;

/**
 * Bodies of events whose jobs are not sent yet, so the send-time render needs no read of the event log. Bounded by
 * bytes (oldest dropped first: those jobs read their event from the log instead); an entry goes when its last job
 * has been rendered.
 */
function createBodyCache(maxBytes: number) {
  const entries = new Map<string, { body: Buffer; jobs: number }>();
  let bytes = 0;
  const keyOf = (channelId: string, seq: number) => `${channelId}\u0000${seq}`;
  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    bytes -= e.body.byteLength;
  };
  return {
    add(channelId: string, seq: number, body: Buffer, jobs: number) {
      const key = keyOf(channelId, seq);
      const e = entries.get(key);
      if (e) {
        e.jobs += jobs;
        return;
      }
      if (body.byteLength > maxBytes) return;
      entries.set(key, { body, jobs });
      bytes += body.byteLength;
      for (const k of entries.keys()) {
        if (bytes <= maxBytes) break;
        drop(k);
      }
    },
    get: (channelId: string, seq: number) => entries.get(keyOf(channelId, seq))?.body,
    /** One job of the event is finished. */
    done(channelId: string, seq: number) {
      const key = keyOf(channelId, seq);
      const e = entries.get(key);
      if (e && --e.jobs <= 0) drop(key);
    },
    clear() {
      entries.clear();
      bytes = 0;
    },
  };
}

/** Creates the mailer: outbox of small jobs (durable), planner (webhook → jobs; job → message) and the sending worker. */
export function createMailer(o: MailerOptions): Mailer {
  const now = o.now ?? Date.now;
  const store = o.outbox ?? (o.db ? createSqliteOutboxStore(o.db) : undefined);
  if (!store) throw new Error('createMailer needs db or outbox');
  const transport = createMailTransport({
    smtpUrl: o.smtpUrl,
    dataDir: o.dataDir,
    ...(o.smtpTimeoutsMs ? { timeoutsMs: o.smtpTimeoutsMs } : {}),
    ...(o.smtpMaxConnections ? { maxConnections: o.smtpMaxConnections } : {}),
  });
  const publicUrl = () => (typeof o.publicUrl === 'function' ? o.publicUrl() : o.publicUrl).replace(/\/+$/, '');
  const from = o.mailFrom ?? '"LifeScore" <no-reply@localhost>';
  const bodies = createBodyCache(o.bodyCacheBytes ?? 16 * 2 ** 20);
  const reader = o.eventReader ?? o.eventLog;

  /** The events a batch of jobs points at: from memory, else one read per event from the log. */
  const render = async (rows: readonly OutboxRow[]) => {
    const events: Array<RenderRequest['events'][number]> = [];
    const index = new Map<string, number>();
    const jobs: Array<RenderRequest['jobs'][number]> = [];
    for (const row of rows) {
      if (row.legacyMessage || row.seq <= 0) {
        jobs.push({ row, event: -1 });
        continue;
      }
      const key = `${row.channelId}\u0000${row.seq}`;
      let at = index.get(key);
      if (at === undefined) {
        let body = bodies.get(row.channelId, row.seq);
        if (!body && reader) {
          const [e] = await reader.listEvents(row.channelId, row.seq - 1, 1);
          if (e?.seq === row.seq) body = e.body;
        }
        at = body ? events.push({ channelId: row.channelId, seq: row.seq, body }) - 1 : -1;
        index.set(key, at);
      }
      jobs.push({ row, event: at });
    }
    return planner.render({
      publicUrl: publicUrl(),
      from,
      events,
      jobs,
      ...(transport.kind === 'eml' ? { writeTo: transport.destination } : {}),
    });
  };

  const worker = createOutboxWorker({
    store,
    transport,
    render,
    onFinished: (row) => {
      bodies.done(row.channelId, row.seq);
      o.onJobFinished?.(row);
    },
    logger: o.logger,
    now,
    retry: { ...defaultRetry, ...o.retry },
    leaseMs: o.leaseMs ?? 5 * 60_000,
    pollMs: o.pollMs ?? 60_000,
    ...(o.pacer ? { pacer: o.pacer } : {}),
    ...(o.random ? { random: o.random } : {}),
  });
  const inFlight = new Set<Promise<unknown>>();

  const planner = o.planner ?? inlinePlanner;

  /** Asks the gate whether the event may cause email and the mail thread which jobs it makes; [] when none. */
  const planOf = async (
    channelId: string,
    event: MailSourceEvent,
    skip: boolean,
  ): Promise<{ items: NewOutboxItem[]; trigger?: string }> => {
    const gated = !skip && o.gate ? await o.gate.admit(channelId, event.body) : undefined;
    const refused = !skip && o.gate !== undefined && gated === undefined;
    const plan =
      skip || refused
        ? undefined
        : await planner.plan({
            channelId,
            seq: event.seq,
            body: event.body,
            profile: gated ?? (await o.profiles.getProfileForChannel(channelId)),
            publicUrl: publicUrl(),
            now: now(),
          });
    return plan?.kind === 'planned' ? { items: plan.items, trigger: plan.trigger } : { items: [] };
  };

  /** The gate's caps on planned jobs (nothing durable yet); keeps the body in memory for the jobs it lets through. */
  const limitOf = async (
    channelId: string,
    event: MailSourceEvent,
    planned: { items: NewOutboxItem[]; trigger?: string },
  ) => {
    if (planned.items.length === 0) return planned;
    const items = o.gate ? await o.gate.limit(channelId, planned.items) : planned.items;
    // Kept in memory before the jobs are durable, so a worker woken by another enqueue finds it.
    if (items.length > 0) bodies.add(channelId, event.seq, event.body, items.length);
    return { items, trigger: planned.trigger };
  };

  const jobsOf = async (channelId: string, event: MailSourceEvent, skip: boolean) =>
    limitOf(channelId, event, await planOf(channelId, event, skip));

  /** Plans and enqueues; every event (mailed or not) moves the channel's cursor in the same transaction. */
  const enqueueEvent = async (channelId: string, event: MailSourceEvent, skip = false): Promise<number> => {
    const { items, trigger } = await jobsOf(channelId, event, skip);
    const added = await store.enqueue(items, [{ channelId, seq: event.seq }]);
    if (items.length === 0) return 0;
    if (added > 0) worker.wake();
    o.logger.debug({ seq: event.seq, trigger, planned: items.length, added }, 'mail enqueued');
    return added;
  };

  const pacer = o.pacer ?? unpacedMail;
  /**
   * Events stored while the previous ones were being planned, handled together (issue 18): planned in parallel, then
   * one outbox transaction for all their jobs and their channels' cursors, instead of one per event.
   */
  const queue = createPlanQueue(reader, o.planQueueBytes);
  let draining: Promise<void> | undefined;
  let planning = 0;
  const gatherMs = o.planGatherMs ?? DEFAULT_PLAN_GATHER_MS;

  /** Plans a batch of waiting events, caps and enqueues their jobs; resolves with the number of new outbox rows. */
  const planBatch = async (batch: readonly WaitingEvent[]): Promise<number> => {
    const failed = (seq: number) => (err: unknown) => {
      o.logger.error({ err, seq }, 'mail enqueue failed');
      return undefined;
    };
    const events = await queue.withBodies(batch).catch((err: unknown) => {
      o.logger.error({ err }, 'mail: could not read waiting events back from the event log');
      return batch.map(() => undefined);
    });
    const plans = await Promise.all(
      batch.map(({ channelId, seq }, i) => {
        const event = events[i];
        // Pruned before it was planned (or unreadable): its cursor still moves past it, like an ignored event.
        if (!event) return { items: [] };
        return planOf(channelId, event, false).catch(failed(seq));
      }),
    );
    // Capped together once all are planned (issue 18): the gate's daily-cap reservations of the batch are then
    // asked in one turn and share one transaction (SQLite), in the batch's order.
    const planned = await Promise.all(
      batch.map(({ channelId, seq }, i) => {
        const p = plans[i];
        const event = events[i];
        return p && event ? limitOf(channelId, event, p).catch(failed(seq)) : p;
      }),
    );
    // All the batch's jobs and cursors in one transaction, whatever the number of channels.
    const items: NewOutboxItem[] = [];
    const cursors = new Map<string, number>();
    batch.forEach(({ channelId, seq }, i) => {
      const p = planned[i];
      if (!p) return;
      items.push(...p.items);
      cursors.set(channelId, Math.max(cursors.get(channelId) ?? 0, seq));
    });
    try {
      return await store.enqueue(
        items,
        [...cursors].map(([channelId, seq]) => ({ channelId, seq })),
      );
    } catch (err) {
      o.logger.error({ err, events: batch.length }, 'mail enqueue failed');
      return 0;
    }
  };

  const drainQueued = async () => {
    while (queue.size() > 0) {
      const batch = queue.take(pacer.batchSize(256), PLAN_BATCH_BYTES);
      planning = batch.length;
      await pacer.turn(performance.now() - (batch[0] as WaitingEvent).queuedAt);
      const t = performance.now();
      let added = 0;
      try {
        added = await planBatch(batch);
      } finally {
        pacer.spent(performance.now() - t);
      }
      if (added > 0) worker.wake();
    }
  };

  function scheduleDrain(): void {
    if (draining) return;
    // Planning waits at least for the next turn of the loop: the commit callback answers Cal.com and wakes streams
    // first. At a steady rate it waits gatherMs more for the events that follow; not during a burst.
    const p: Promise<void> = new Promise<void>((resolve) =>
      gatherMs > 0 && !pacer.busy() ? setTimeout(resolve, gatherMs) : setImmediate(resolve),
    )
      .then(drainQueued)
      .catch((err: unknown) => o.logger.error({ err }, 'mail enqueue failed'))
      .finally(() => {
        planning = 0; // also when a batch threw: nothing is being planned any more
        draining = undefined;
        inFlight.delete(p);
        if (queue.size() > 0) scheduleDrain();
      });
    draining = p;
    inFlight.add(p);
  }

  return {
    destination: transport.destination,
    transportKind: transport.kind,
    enqueueEvent: (channelId, event) => enqueueEvent(channelId, event),
    onEventStored(channelId, event) {
      queue.push(channelId, event);
      scheduleDrain();
    },
    start() {
      if (o.smtpUrl && !o.mailFrom)
        o.logger.warn({}, 'MAIL_FROM is not set; sending as no-reply@localhost, which most servers refuse');
      o.logger.info(
        { transport: transport.kind, destination: transport.destination },
        transport.kind === 'eml'
          ? `mail: no SMTP_URL; writing .eml files to ${transport.destination}`
          : 'mail: sending through SMTP',
      );
      void store
        .prune(now() - (o.keepDoneMs ?? 30 * DAY))
        .catch((err: unknown) => o.logger.error({ err }, 'mail outbox prune failed'));
      worker.start();
      if (o.eventLog) {
        const log = o.eventLog;
        const p = catchUp({
          log,
          store,
          enqueue: enqueueEvent,
          now: now(),
          maxAgeMs: o.catchUpMaxAgeMs ?? DAY,
          logger: o.logger,
        })
          .then((added) => added > 0 && worker.wake())
          .catch((err: unknown) => o.logger.error({ err }, 'mail catch-up failed'));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    },
    async stop() {
      // What is in hand is finished now, not paced behind a burst that has ended with the stop.
      pacer.close();
      while (inFlight.size > 0) await Promise.all(inFlight);
      await worker.stop();
      await planner.close();
      transport.close();
      bodies.clear();
    },
    forgetChannel: (channelId) => store.forgetChannel(channelId),
    stats: () => store.counts(),
    unplanned: () => queue.size() + planning,
  };
}
