import type { StreamHub } from './stream-hub';
import type { SharedCommits } from './store/types';

export interface CrossInstanceWakeOptions {
  /** How often the table is re-read for channels with open streams (catches a missed notification). */
  readonly pollMs?: number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Wakes this process's streams for commits made by any instance: at once on a NOTIFY, and — because a
 * notification is lost when the listening connection is down or the payload never arrives — by polling the last
 * sequences of the channels that have open streams. Returns the function that stops both.
 */
export function wakeAcrossInstances(
  shared: SharedCommits,
  hub: StreamHub,
  options: CrossInstanceWakeOptions = {},
): () => void {
  const pollMs = options.pollMs ?? 2000;
  // Last sequence each watched channel was woken for, so a poll wakes only channels that moved.
  const known = new Map<string, number>();
  const advance = (channelId: string, lastSeq: number): boolean => {
    if (lastSeq <= (known.get(channelId) ?? -1)) return false;
    known.set(channelId, lastSeq);
    return true;
  };

  const unwatch = shared.watch(
    (channelId, lastSeq) => {
      if (advance(channelId, lastSeq)) hub.wake(channelId, lastSeq);
    },
    () => {
      // (Re)connected: whatever was committed while we were not listening must be read from the table.
      for (const id of hub.channelIds()) hub.wake(id);
    },
  );

  let polling = false;
  const timer = setInterval(() => {
    const ids = hub.channelIds();
    const live = new Set(ids);
    for (const id of known.keys()) if (!live.has(id)) known.delete(id);
    if (ids.length === 0 || polling) return;
    polling = true;
    shared
      .lastSeqs(ids)
      .then((seqs) => {
        for (const [id, seq] of seqs) if (advance(id, seq)) hub.wake(id, seq);
      })
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => (polling = false));
  }, pollMs);
  timer.unref();

  return () => {
    clearInterval(timer);
    unwatch();
  };
}
