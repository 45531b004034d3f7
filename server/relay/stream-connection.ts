import type { Response } from 'express';
import type { Logger } from 'pino';
import type { RelayMetrics } from './metrics';
import { formatMessage, formatNamed, HEARTBEAT } from './sse-format';
import type { StreamHub } from './stream-hub';
import { bodyBytes, mayHaveMore, type PageBounds } from './store/event-page';
import type { ChannelBounds, RelayStore, StoredEvent } from './store/types';

/** Where a stream starts: the requested cursor, or — when it lost events to retention or is beyond the log — a reset. */
export function resumeFrom(requested: number, bounds: ChannelBounds): { cursor: number; reset: boolean } {
  const firstAvailable = bounds.oldestSeq || bounds.lastSeq + 1;
  if (requested + 1 < firstAvailable || requested > bounds.lastSeq) return { cursor: firstAvailable - 1, reset: true };
  return { cursor: requested, reset: false };
}

export interface StreamConnectionDeps {
  readonly store: RelayStore;
  readonly hub: StreamHub;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  readonly heartbeatMs: number;
  readonly bufferBytes: number;
  readonly drainTimeoutMs: number;
  readonly maxPerChannel: number;
}

/**
 * One open SSE stream: replays from its cursor, then follows its channel's commits: this process's own are handed
 * over from memory when the stream is caught up, anything else is read from storage. Reads only while the socket
 * drains, so its buffer stays bounded; a consumer that stops reading for drainTimeoutMs is dropped (it resumes
 * later by Last-Event-ID).
 */
export class StreamConnection {
  #cursor = 0;
  #closed = false;
  #pumping = false;
  #dirty = true;
  #started = false;
  #drainTimer: NodeJS.Timeout | undefined;
  /** A read from storage: 100 events, or the socket buffer's worth of bodies, whichever comes first. */
  readonly #page: PageBounds;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #unregister: () => void;

  /** @param release frees the stream's slot (client-budget.ts) when the stream ends, however it ends. */
  constructor(
    private readonly res: Response,
    private readonly channelId: string,
    private readonly deps: StreamConnectionDeps,
    private readonly release: () => void = () => {},
  ) {
    this.#page = { limit: 100, maxBytes: deps.bufferBytes };
    this.#heartbeat = setInterval(() => {
      if (res.writableLength < deps.bufferBytes) res.write(HEARTBEAT);
    }, deps.heartbeatMs);
    this.#unregister = deps.hub.add(channelId, this, deps.maxPerChannel, () => deps.metrics.streamsReplaced.inc());
    deps.metrics.openStreams.inc();
    // The socket's close as well as the response's: a slot that outlives its socket is held until restart.
    res.on('close', () => this.#cleanup());
    res.socket?.once('close', () => this.#cleanup());
  }

  /** Settles the resume point (announcing a reset if needed) and starts replaying. */
  async start(requested: number): Promise<void> {
    try {
      const bounds = await this.deps.store.bounds(this.channelId);
      if (!bounds) return this.end();
      const { cursor, reset } = resumeFrom(requested, bounds);
      if (reset)
        this.res.write(
          formatNamed('reset', { requestedAfter: requested, oldestSeq: bounds.oldestSeq, lastSeq: bounds.lastSeq }),
        );
      this.#cursor = cursor;
    } catch (err) {
      this.deps.metrics.storageErrors.inc();
      this.deps.logger.error({ err }, 'stream start failed; ending stream so the client reconnects');
      return this.end();
    }
    this.#started = true;
    void this.#pump();
  }

  wake(lastSeq?: number): void {
    // A commit this stream has already sent (our own, delivered before its notification came back) needs no read.
    if (lastSeq !== undefined && lastSeq <= this.#cursor && this.#started) return;
    this.#dirty = true;
    void this.#pump();
  }

  deliver(events: readonly StoredEvent[], text: () => string): void {
    const first = events[0];
    const last = events.at(-1);
    if (!first || !last) return;
    // Only a caught-up, idle stream may write from memory: a read in flight may be about to send these itself.
    if (this.#pumping || !this.#started || this.#closed || first.seq !== this.#cursor + 1) return this.wake(last.seq);
    // Nor a batch its buffer has no room for: a socket copies what it cannot send at once, so each slow stream would
    // hold the whole batch. Read from storage instead, a byte-bounded page at a time.
    if (this.res.writableLength + bodyBytes(events) > this.deps.bufferBytes) return this.wake(last.seq);
    this.res.write(text());
    this.#cursor = last.seq;
    if (this.res.writableLength > this.deps.bufferBytes) void this.#pump();
  }

  end(): void {
    this.#cleanup();
    this.res.end();
  }

  #cleanup(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#drainTimer);
    this.#unregister();
    this.release();
    this.deps.metrics.openStreams.dec();
  }

  #waitForDrain(): Promise<boolean> {
    return new Promise((resolve) => {
      const onDrain = () => {
        clearTimeout(this.#drainTimer);
        resolve(true);
      };
      this.res.once('drain', onDrain);
      this.#drainTimer = setTimeout(() => {
        this.res.off('drain', onDrain);
        resolve(false);
      }, this.deps.drainTimeoutMs);
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#closed || !this.#started) return;
    this.#pumping = true;
    try {
      for (;;) {
        if (this.res.writableLength > this.deps.bufferBytes && !(await this.#waitForDrain())) {
          this.deps.logger.warn(
            { channelLabel: this.res.locals.channelLabel },
            'ending stream of a consumer that does not drain',
          );
          this.#cleanup();
          this.res.destroy();
          return;
        }
        if (this.#closed || !this.#dirty) return;
        this.#dirty = false;
        const events = await this.deps.store.listEvents(
          this.channelId,
          this.#cursor,
          this.#page.limit,
          this.#page.maxBytes,
        );
        if (this.#closed) return;
        // One write per page: a write per event was a syscall per event on a busy stream (issue 18).
        const last = events.at(-1);
        if (last) {
          this.res.write(events.map(formatMessage).join(''));
          this.#cursor = last.seq;
        }
        if (mayHaveMore(events, this.#page)) {
          this.#dirty = true;
          // A replay of many pages on SQLite never waits on I/O: give the other requests their turn between pages.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } catch (err) {
      this.deps.metrics.storageErrors.inc();
      this.deps.logger.error({ err }, 'stream read failed; ending stream so the client reconnects');
      this.end();
    } finally {
      this.#pumping = false;
    }
  }
}
