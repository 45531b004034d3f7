import { CALCOM_SIGNATURE_HEADER, webhookEnvelopeSchema } from '../../../common/calcom';
import type { PullResponse, PulledEvent } from '../../../common/relay';
import type { BookingChange, RelayEventResult, SyncBookingStore } from '../bookings/booking-store';
import type { Clock, Logger } from '../ports';
import { createAckBatcher } from './ack-batcher';
import type { ChannelEvents } from '../relay-client/relay-client';
import { verifyCalSignature } from './signature';

/**
 * Takes relay events into the bookings database: verifies, validates, records in the inbox and applies in one
 * transaction, fills sequence gaps from the pull endpoint, and acknowledges applied events in batches.
 */

export type IntakeOutcome = 'applied' | 'duplicate' | 'quarantined' | 'deferred' | 'unknown-seq';

/** One event as smee-client forwarded it: a re-serialized body and the relay's headers. */
export interface ForwardedEvent {
  readonly seq: number;
  readonly reencoded: boolean;
  readonly signature: string | undefined;
  readonly body: Buffer;
}

export interface IntakeDeps {
  readonly store: SyncBookingStore;
  readonly channelId: string;
  readonly api: ChannelEvents;
  readonly webhookSecret: () => Promise<string | null>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly onChange: (change: BookingChange) => void;
  readonly onActivity: (kind: 'event' | 'ping' | 'quarantined', at: string) => void;
  /** Wait before pulling a missing sequence: forwards are concurrent, so a gap usually closes by itself. */
  readonly gapDelayMs: number;
  readonly ackDelayMs: number;
  readonly pageSize: number;
  /** Ack retry jitter (the random port). */
  readonly random: () => number;
}

export interface Intake {
  acceptForwarded(event: ForwardedEvent): Promise<IntakeOutcome>;
  /** The stream carried this sequence (its SSE id): if its forward never lands, the gap filler pulls it. */
  noteStreamSeq(seq: number): void;
  /** Pulls and takes everything after the cursor, up to the relay's last sequence. Throws RelayApiError. */
  catchUp(): Promise<void>;
  /** Acknowledges the cursor now (if it moved). */
  flushAck(): Promise<void>;
  /** Clears timers and waits for in-flight work; a final ack is attempted. */
  stop(): Promise<void>;
}

/** One event recorded in the store, waiting to be reported once its transaction commits. */
interface Taken {
  readonly seq: number;
  readonly result: RelayEventResult;
  readonly trigger?: string;
  /** The reason, when the event was quarantined. */
  readonly quarantined?: string;
}

/** How long a secret read from the keychain is reused (a burst must not hit the keychain per event). */
const SECRET_TTL_MS = 30_000;

function header(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Creates the intake for one channel. */
export function createIntake(deps: IntakeDeps): Intake {
  const { store, channelId: channel, api, logger } = deps;
  let stopped = false;
  let gapTimer: NodeJS.Timeout | undefined;
  /**
   * Highest sequence known to exist, taken or not: a lost one must still be fetched. Only the relay's own word
   * raises it (its authenticated stream, or a forward whose signature or pulled copy verified): any local
   * process can POST to the loopback receiver, and an invented sequence would make the gap filler wait for it.
   */
  let highestSeen = 0;
  /** A forward whose raw body could not be pulled: the gap filler must run even though nothing verified it. */
  let retryPending = false;
  let catching: Promise<void> | undefined;
  /** Aborts in-flight pulls on stop(), so stopping never waits for a relay that hangs. */
  const halt = new AbortController();
  let secretCache: { value: string | null; at: number } | undefined;
  const acks = createAckBatcher({
    cursor: () => store.relayCursor(channel),
    ack: (upTo) => api.ack(upTo),
    delayMs: deps.ackDelayMs,
    logger,
    random: deps.random,
  });
  const inflight = new Set<Promise<unknown>>();
  const nowIso = () => new Date(deps.clock.now()).toISOString();

  /** The webhook secret, cached briefly; `fresh` re-reads it (before quarantining, in case it was rotated). */
  const secret = async (fresh = false): Promise<string | null> => {
    const now = performance.now();
    if (fresh || !secretCache || now - secretCache.at > SECRET_TTL_MS)
      secretCache = { value: await deps.webhookSecret(), at: now };
    return secretCache.value;
  };

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  };

  /**
   * Reports events whose transaction has committed (never before: a report of a change that then rolled back
   * would be repeated when the event is taken again): changes, activity, acks, and a gap fill if the cursor lags.
   */
  const report = (taken: readonly Taken[]): IntakeOutcome[] => {
    const kinds = new Set<'event' | 'ping' | 'quarantined'>();
    let cursor: number | undefined;
    const outcomes = taken.map((t): IntakeOutcome => {
      if (t.quarantined) logger.warn('relay event quarantined', { seq: t.seq, reason: t.quarantined });
      if (t.result.duplicate) return 'duplicate';
      if (t.result.change) deps.onChange(t.result.change);
      kinds.add(t.quarantined ? 'quarantined' : t.trigger === 'PING' ? 'ping' : 'event');
      cursor = Math.max(cursor ?? 0, t.result.cursor);
      return t.quarantined ? 'quarantined' : 'applied';
    });
    if (cursor === undefined) return outcomes;
    // Once per batch: every event of a page carries the same time, so one call per kind leaves the same state.
    const at = nowIso();
    for (const kind of kinds) deps.onActivity(kind, at);
    acks.schedule();
    if (Math.max(highestSeen, store.maxRelaySeq(channel)) > cursor) scheduleGapFill();
    return outcomes;
  };

  const quarantine = (seq: number, body: Buffer, reason: string, trigger?: string): Taken => ({
    seq,
    quarantined: reason,
    result: store.recordRelayEvent({ channel, seq, body, kind: 'quarantine', reason, ...(trigger ? { trigger } : {}) }),
  });

  /** Records a body whose signature has been verified. */
  const applyVerified = (seq: number, body: Buffer): Taken => {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return quarantine(seq, body, 'body is not JSON');
    }
    const trigger =
      typeof (json as { triggerEvent?: unknown })?.triggerEvent === 'string'
        ? (json as { triggerEvent: string }).triggerEvent
        : undefined;
    const parsed = webhookEnvelopeSchema.safeParse(json);
    if (!parsed.success) {
      const known = webhookEnvelopeSchema.options.some((o) => o.shape.triggerEvent.value === trigger);
      if (trigger && !known) {
        // Signed by Cal.com but a trigger the app doesn't act on (e.g. MEETING_ENDED): taken, not quarantined.
        return {
          seq,
          trigger,
          result: store.recordRelayEvent({
            channel,
            seq,
            body,
            kind: 'ignore',
            reason: `unsupported trigger ${trigger}`,
            trigger,
          }),
        };
      }
      const issue = parsed.error.issues[0];
      return quarantine(
        seq,
        body,
        `invalid envelope: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}`,
        trigger,
      );
    }
    return {
      seq,
      ...(trigger ? { trigger } : {}),
      result: store.recordRelayEvent({ channel, seq, body, kind: 'apply', envelope: parsed.data }),
    };
  };

  /** Records an event with its raw bytes, from the pull endpoint (the authoritative copy); null if already taken. */
  const takePulled = (event: PulledEvent, secret: string | null): Taken | null => {
    if (store.hasRelayEvent(channel, event.seq)) return null;
    const body = Buffer.from(event.bodyBase64, 'base64');
    if (!secret) return quarantine(event.seq, body, 'no webhook secret to verify with');
    if (!verifyCalSignature(secret, body, header(event.headers, CALCOM_SIGNATURE_HEADER))) {
      return quarantine(event.seq, body, 'signature does not verify');
    }
    return applyVerified(event.seq, body);
  };

  const acceptPulled = (event: PulledEvent, secret: string | null): IntakeOutcome => {
    const taken = takePulled(event, secret);
    return taken ? (report([taken])[0] as IntakeOutcome) : 'duplicate';
  };

  /**
   * Takes a pulled page in one transaction: one commit instead of one per event (the catch-up rate was bound by
   * them). Exactly-once still holds per event: inbox row, booking change and cursor commit together. An event
   * that throws takes the page's transaction down with it (the store's calls join it without savepoints), so the
   * events before it are taken again in a transaction of their own, reported, and then the error is thrown: the
   * same outcome as taking the page one event at a time.
   */
  const takePage = (events: readonly PulledEvent[], secret: string | null): void => {
    let failed: { readonly at: number; readonly error: unknown } | undefined;
    const take = (count: number): Taken[] =>
      store.transaction(() => {
        const done: Taken[] = [];
        for (const [i, event] of events.slice(0, count).entries()) {
          try {
            const t = takePulled(event, secret);
            if (t) done.push(t);
          } catch (error) {
            failed ??= { at: i, error };
            throw error;
          }
        }
        return done;
      });
    let taken: Taken[];
    try {
      taken = take(events.length);
    } catch (error) {
      if (!failed) throw error; // the commit itself failed: nothing was taken
      report(failed.at > 0 ? take(failed.at) : []);
      throw failed.error;
    }
    report(taken);
  };

  const acceptForwarded = async (event: ForwardedEvent): Promise<IntakeOutcome> => {
    if (store.hasRelayEvent(channel, event.seq)) return 'duplicate';
    const cached = await secret();
    if (cached && !event.reencoded && verifyCalSignature(cached, event.body, event.signature)) {
      highestSeen = Math.max(highestSeen, event.seq);
      return report([applyVerified(event.seq, event.body)])[0] as IntakeOutcome;
    }
    // smee-client re-serialized the body (relay-notes §1), or someone forged it: verify the relay's raw bytes instead.
    let pulled: PulledEvent | undefined;
    try {
      pulled = (await api.pull(event.seq - 1, 1, halt.signal)).events.find((e) => e.seq === event.seq);
    } catch (err) {
      logger.warn('raw body pull failed; the gap filler will retry', { seq: event.seq, error: String(err) });
      retryPending = true;
      scheduleGapFill();
      return 'deferred';
    }
    // Not on the relay: never let a forward that can't be traced occupy a sequence slot (nor raise highestSeen).
    if (!pulled) return 'unknown-seq';
    highestSeen = Math.max(highestSeen, event.seq);
    return acceptPulled(pulled, await secret(true));
  };

  const catchUpOnce = async (): Promise<void> => {
    const current = await secret(true);
    let cursor = store.relayCursor(channel);
    /** The next page, asked for while this one is applied (the relay answers on its own core meanwhile). */
    let prefetched: { readonly after: number; readonly page: Promise<PullResponse> } | undefined;
    for (;;) {
      const page = await (prefetched?.after === cursor
        ? prefetched.page
        : api.pull(cursor, deps.pageSize, halt.signal));
      prefetched = undefined;
      if (page.lastSeq < cursor) {
        // The relay's log restarted below our cursor: its new events would otherwise all look like duplicates.
        // Take everything it still has again (re-applying a known event changes nothing).
        const to = Math.max(0, page.oldestSeq - 1);
        logger.error('relay sequence went backwards; rewinding the cursor (reconciliation covers any gap)', {
          cursor,
          lastSeq: page.lastSeq,
          to,
        });
        store.rewindRelayCursor(channel, to);
        highestSeen = to;
        cursor = to;
        continue;
      }
      if (page.oldestSeq > cursor + 1) {
        logger.warn('relay no longer retains some events; reconciliation covers them', {
          from: cursor + 1,
          to: page.oldestSeq - 1,
        });
        cursor = store.raiseRelayCursor(channel, page.oldestSeq - 1);
      }
      const last = page.events.at(-1)?.seq ?? cursor;
      if (page.events.length > 0 && last < page.lastSeq && !stopped) {
        prefetched = { after: last, page: api.pull(last, deps.pageSize, halt.signal) };
        prefetched.page.catch(() => undefined); // unused if this page fails; a used one rethrows at its await
        // fetch sends on a later turn of the event loop: let it go out before the page blocks the loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
      takePage(page.events, current);
      cursor = Math.max(cursor, last, store.relayCursor(channel));
      if (page.events.length === 0 || last >= page.lastSeq || stopped) break;
    }
    await acks.flush();
  };

  const catchUp = (): Promise<void> => {
    catching ??= track(catchUpOnce()).finally(() => (catching = undefined));
    return catching;
  };

  function scheduleGapFill(): void {
    if (gapTimer || stopped) return;
    const cursorAtArm = store.relayCursor(channel);
    gapTimer = setTimeout(() => {
      gapTimer = undefined;
      const cursor = store.relayCursor(channel);
      const retry = retryPending;
      retryPending = false;
      if (stopped || (!retry && Math.max(highestSeen, store.maxRelaySeq(channel)) <= cursor)) return;
      // Still moving (a burst of concurrent forwards landing out of order): look again later instead of pulling.
      if (cursor > cursorAtArm) {
        retryPending ||= retry;
        return scheduleGapFill();
      }
      catchUp().catch((err: unknown) => {
        logger.warn('gap fill failed; retrying', { error: String(err) });
        retryPending ||= retry;
        scheduleGapFill();
      });
    }, deps.gapDelayMs);
    gapTimer.unref();
  }

  return {
    acceptForwarded: (event) => track(acceptForwarded(event)),
    noteStreamSeq(seq) {
      if (!Number.isSafeInteger(seq) || seq <= highestSeen) return;
      highestSeen = seq;
      scheduleGapFill();
    },
    catchUp,
    flushAck: () => acks.flush(),
    async stop() {
      stopped = true;
      halt.abort();
      clearTimeout(gapTimer);
      acks.stop();
      await Promise.allSettled([...inflight]);
      await acks.flush();
    },
  };
}
