import pg from 'pg';
import type { CommitListener } from '../types';

/** The NOTIFY channel commits are announced on; payload `<channelId>:<lastSeq>` (id-only, far below 8000 bytes). */
export const COMMIT_CHANNEL = 'relay_events';

/** Parses a commit notification payload; undefined for anything else on the channel. */
export function parseCommitPayload(payload: string | undefined): { channelId: string; lastSeq: number } | undefined {
  const m = /^([^:]+):(\d+)$/.exec(payload ?? '');
  return m ? { channelId: m[1] as string, lastSeq: Number(m[2]) } : undefined;
}

export interface CommitListenerOptions {
  /** First reconnect delay; doubles up to maxBackoffMs, with jitter so instances don't reconnect in lockstep. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Reports connection problems (the listener keeps retrying on its own). */
  readonly onError?: (err: unknown) => void;
  /**
   * True for the server process id of a connection this relay process appends through: its commits already went
   * to the streams from memory, and hearing them again cost each stream a read when the notification won the race.
   */
  readonly isOwnBackend?: (processId: number) => boolean;
}

/**
 * LISTENs on a dedicated connection (a pooled one would lose its LISTEN when returned) and reconnects with
 * backoff whenever it drops. onGap runs after every successful (re)connect: notifications sent while we were not
 * listening are lost for good, so the caller re-reads the table. Returns the function that stops it.
 */
export function listenForCommits(
  clientConfig: pg.ClientConfig,
  onCommit: CommitListener,
  onGap: () => void,
  options: CommitListenerOptions = {},
): () => void {
  const minBackoff = options.minBackoffMs ?? 200;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  let stopped = false;
  let failures = 0;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    const delay = Math.min(maxBackoff, minBackoff * 2 ** Math.min(failures, 16));
    failures++;
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        void connect();
      },
      delay * (0.5 + Math.random() / 2),
    );
    retryTimer.unref();
  };

  const connect = async () => {
    const c = new pg.Client({ ...clientConfig, keepAlive: true });
    client = c;
    let dropped = false;
    const drop = (err?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (err && !stopped) options.onError?.(err);
      c.removeAllListeners('notification');
      void c.end().catch(() => {});
      if (client === c) client = undefined;
      scheduleReconnect();
    };
    c.on('error', drop);
    c.on('end', () => drop());
    c.on('notification', (n) => {
      if (options.isOwnBackend?.(n.processId)) return;
      const parsed = n.channel === COMMIT_CHANNEL ? parseCommitPayload(n.payload) : undefined;
      if (parsed) onCommit(parsed.channelId, parsed.lastSeq);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${COMMIT_CHANNEL}`);
    } catch (err) {
      drop(err);
      return;
    }
    if (stopped) {
      void c.end().catch(() => {});
      return;
    }
    failures = 0;
    onGap();
  };

  void connect();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    const c = client;
    client = undefined;
    if (c) {
      c.removeAllListeners('notification');
      void c.end().catch(() => {});
    }
  };
}
