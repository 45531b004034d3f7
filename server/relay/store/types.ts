/** A channel as stored; the token only as its SHA-256 hash. */
export interface ChannelRecord {
  readonly id: string;
  readonly tokenHash: Buffer;
  readonly secret: string | null;
  readonly createdAt: number;
  /** Highest sequence ever assigned on the channel (0 before the first event). */
  readonly lastSeq: number;
  /** Server-side cursor advanced by POST …/ack. */
  readonly ackedSeq: number;
}

/** An event to append: the raw body exactly as received plus what is needed to replay it. */
export interface NewEvent {
  readonly channelId: string;
  readonly receivedAt: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /**
   * True: the body's bytes are JSON.stringify(JSON.parse(body)), so the stream may send them as they are
   * (sse-format.ts); false or unset: not known. Set by ingest, which parsed the body anyway, for channels streamed
   * in this process. Not stored: events read back leave it unset and are checked again. The stores hand it back on
   * the appended event.
   */
  readonly canonicalJson?: boolean;
}

/** A stored event with its per-channel sequence. */
export interface StoredEvent extends NewEvent {
  readonly seq: number;
}

/**
 * Per-channel outcome of one append inside a batch: a sequence, or refused because the channel vanished meanwhile or
 * already holds the bytes it may (appendEvents' maxChannelBytes).
 */
export type AppendOutcome =
  | { readonly ok: true; readonly event: StoredEvent }
  | { readonly ok: false; readonly reason: 'channel_not_found' | 'channel_full' };

/** Sequence bounds of one channel's retained log. */
export interface ChannelBounds {
  readonly lastSeq: number;
  /** Oldest retained sequence, 0 when nothing is retained. */
  readonly oldestSeq: number;
  readonly ackedSeq: number;
  /** Bytes of the retained events (bodies, headers and query as stored), as appendEvents' maxChannelBytes counts them. */
  readonly storedBytes: number;
}

/** Called for a commit made by another process sharing the storage: id-only (the channel and its new last sequence). */
export type CommitListener = (channelId: string, lastSeq: number) => void;

/**
 * Present when several relay processes share the storage (PostgreSQL): how this process learns of the others'
 * commits. Notifications are a wake-up hint only; the events table stays the truth, read through lastSeqs.
 */
export interface SharedCommits {
  /**
   * Starts listening: onCommit for each commit of another process (this one's own reach its streams in memory),
   * onGap after (re)connecting, when notifications may have been missed. Returns the function that stops listening.
   */
  watch(onCommit: CommitListener, onGap: () => void): () => void;
  /** Current last sequences of the given channels (absent ones are left out). */
  lastSeqs(channelIds: readonly string[]): Promise<Map<string, number>>;
}

/**
 * Storage port of the relay. Engine-neutral and asynchronous so that a PostgreSQL adapter fits the same shape;
 * every method that writes is durable when its promise resolves.
 */
export interface RelayStore {
  createChannel(channel: { id: string; tokenHash: Buffer; createdAt: number }): Promise<void>;
  getChannel(id: string): Promise<ChannelRecord | undefined>;
  setSecret(id: string, secret: string | null): Promise<boolean>;
  /** Removes the channel and its events; false when it did not exist. */
  deleteChannel(id: string): Promise<boolean>;
  /**
   * Appends a batch in ONE transaction (group commit); outcomes are in input order. A channel whose stored events
   * (bodies, headers and query as stored) already add up to maxChannelBytes takes no more (`channel_full`) until
   * acknowledgements and retention free some: it may overshoot by the events of one batch, never more.
   */
  appendEvents(batch: readonly NewEvent[], maxChannelBytes?: number): Promise<AppendOutcome[]>;
  /**
   * Events with seq > afterSeq in order, at most limit, and no more once their bodies reach maxBytes (event-page.ts;
   * unbounded when left out: only for reads whose count already bounds them).
   */
  listEvents(channelId: string, afterSeq: number, limit: number, maxBytes?: number): Promise<StoredEvent[]>;
  bounds(channelId: string): Promise<ChannelBounds | undefined>;
  /** Moves the ack cursor forward (never back) and returns it. */
  ack(channelId: string, upTo: number): Promise<number>;
  /**
   * Channels nobody ever set up (no secret, no event) created before `createdBefore`: at most `limit`, oldest first.
   * Anyone can create channels, so the retention pass closes these instead of keeping them forever.
   */
  abandonedChannels(createdBefore: number, limit: number): Promise<string[]>;
  /** Deletes unacked events received before unackedBefore and acked ones received before ackedBefore. */
  prune(cutoffs: { unackedBefore: number; ackedBefore: number }): Promise<number>;
  /**
   * Unacknowledged event count per channel, for metrics (and every channel's id, for the mailer's catch-up). Worked
   * out from the channel's cursors and its oldest stored event, one index seek per channel: a count over the events
   * held the main thread ~60 ms per /metrics scrape at 50,000 events, and grows with them. Exact while events leave
   * oldest first (retention prunes by receive time, which follows seq).
   */
  backlog(): Promise<Array<{ channelId: string; count: number }>>;
  /** Throws when storage is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Set when other processes may write to the same storage; absent for a store private to this process (SQLite). */
  readonly shared?: SharedCommits;
}
