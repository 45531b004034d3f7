/** A live stream: woken when its channel commits, ended on shutdown or channel deletion. */
export interface StreamSubscriber {
  wake(): void;
  end(): void;
}

/** In-process fan-out: every open stream of a channel is woken after each commit on that channel. */
export class StreamHub {
  readonly #byChannel = new Map<string, Set<StreamSubscriber>>();
  #count = 0;

  /** Registers a stream; returns its unregister function. */
  add(channelId: string, sub: StreamSubscriber): () => void {
    let set = this.#byChannel.get(channelId);
    if (!set) this.#byChannel.set(channelId, (set = new Set()));
    set.add(sub);
    this.#count++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.#count--;
      set.delete(sub);
      if (set.size === 0 && this.#byChannel.get(channelId) === set) this.#byChannel.delete(channelId);
    };
  }

  /** Open streams in total. */
  get size(): number {
    return this.#count;
  }

  /** Channels that have at least one open stream. */
  channelIds(): string[] {
    return [...this.#byChannel.keys()];
  }

  wake(channelId: string): void {
    for (const sub of this.#byChannel.get(channelId) ?? []) sub.wake();
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
