import { formatMessage } from './sse-format';
import type { StoredEvent } from './store/types';

/** A live stream: handed its channel's commits, ended on shutdown or channel deletion. */
export interface StreamSubscriber {
  /** Something was committed, up to lastSeq when known: the stream reads what it lacks from storage. */
  wake(lastSeq?: number): void;
  /**
   * Events this process just committed on the channel, in sequence order, and their SSE text (formatted on first
   * call, once for all of the channel's streams). A stream whose cursor is just before them writes the text as is.
   */
  deliver(events: readonly StoredEvent[], text: () => string): void;
  end(): void;
}

/** In-process fan-out: every open stream of a channel hears of each commit on that channel. */
export class StreamHub {
  readonly #byChannel = new Map<string, Set<StreamSubscriber>>();

  /**
   * Registers a stream; returns its unregister function. A channel holds at most maxPerChannel streams: the newest
   * wins and the oldest are ended (onReplaced counts them). A client that roamed networks leaves half-open streams
   * behind that only a failed write ends, and refusing the new one instead would lock the consultant out meanwhile.
   */
  add(
    channelId: string,
    sub: StreamSubscriber,
    maxPerChannel = Infinity,
    onReplaced: () => void = () => {},
  ): () => void {
    const open = this.#byChannel.get(channelId);
    if (open && open.size >= maxPerChannel)
      for (const old of [...open].slice(0, open.size - maxPerChannel + 1)) {
        old.end();
        onReplaced();
      }
    let set = this.#byChannel.get(channelId);
    if (!set) this.#byChannel.set(channelId, (set = new Set()));
    set.add(sub);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      set.delete(sub);
      if (set.size === 0 && this.#byChannel.get(channelId) === set) this.#byChannel.delete(channelId);
    };
  }

  /** Whether the channel has an open stream in this process. */
  has(channelId: string): boolean {
    return this.#byChannel.has(channelId);
  }

  /** Channels that have at least one open stream. */
  channelIds(): string[] {
    return [...this.#byChannel.keys()];
  }

  /** A commit seen from outside this process (another instance, a reconnect): streams read it from storage. */
  wake(channelId: string, lastSeq?: number): void {
    for (const sub of this.#byChannel.get(channelId) ?? []) sub.wake(lastSeq);
  }

  /**
   * This process's own commit on one channel, events in sequence order. Streams get them from memory: reading back
   * what was just written cost every stream a query per commit (on PostgreSQL a round trip; issue 18).
   */
  deliver(channelId: string, events: readonly StoredEvent[]): void {
    const subs = this.#byChannel.get(channelId);
    if (!subs || events.length === 0) return;
    let text: string | undefined;
    const format = () => (text ??= events.map(formatMessage).join(''));
    for (const sub of subs) sub.deliver(events, format);
  }

  /** Ends the streams of one channel (channel deleted). */
  endChannel(channelId: string): void {
    for (const sub of [...(this.#byChannel.get(channelId) ?? [])]) sub.end();
  }

  /** Ends every stream (shutdown): clients reconnect elsewhere instead of seeing a non-200. */
  endAll(): void {
    for (const set of [...this.#byChannel.values()]) for (const sub of [...set]) sub.end();
  }
}
