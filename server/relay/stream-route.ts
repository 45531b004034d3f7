import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { RelayConfig } from './config';
import { sendError } from './errors';
import type { RelayMetrics } from './metrics';
import { formatNamed, formatRetry, parseCursor } from './sse-format';
import { StreamConnection } from './stream-connection';
import type { StreamHub } from './stream-hub';
import { ClientBudget } from './client-budget';
import type { ChannelRecord, RelayStore } from './store/types';

export interface StreamDeps {
  readonly config: RelayConfig;
  readonly store: RelayStore;
  readonly hub: StreamHub;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  readonly isShuttingDown: () => boolean;
}

function wantsEventStream(req: Request): boolean {
  return (req.get('accept') ?? '').toLowerCase().includes('text/event-stream');
}

/** Opens the SSE response; shared by the stream and by its "come back later" answer. */
export function openEventStream(res: Response): void {
  res.status(200);
  res.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-store, no-transform',
    // The connection is never reused after a stream ends, so close it then: otherwise an ended stream would
    // hold its socket open as "idle keep-alive" and delay graceful shutdown.
    Connection: 'close',
    // nginx and similar proxies buffer responses unless told not to, which would stall the stream.
    'X-Accel-Buffering': 'no',
  });
  res.socket?.setTimeout(0);
  res.socket?.setNoDelay(true);
  res.flushHeaders();
}

/**
 * GET /hooks/:channel (Accept: text/event-stream) — smee-client 5 compatible stream with durable resume.
 * Runs after channelAuth, so res.locals.channel is the authenticated channel.
 */
export function streamHandler(deps: StreamDeps): RequestHandler {
  const { config, store, hub, metrics, logger } = deps;
  // Stream slots: each open stream holds a socket buffer and a page in memory.
  const slots = new ClientBudget({ total: config.stream.maxStreams, perClient: config.stream.maxPerClient });
  return async (req, res) => {
    const channel = res.locals.channel as ChannelRecord;
    const lastEventId = parseCursor(req.get('last-event-id'));
    const sinceRaw = req.query.since;
    const since = parseCursor(sinceRaw);
    if (sinceRaw !== undefined && since === undefined) {
      return sendError(res, 400, 'bad_request', 'since must be a non-negative integer sequence.');
    }
    // Both present (the desktop app re-injects its applied cursor as ?since= on every reconnect, and eventsource
    // adds the last *received* id): start from the earlier one. Delivery is at-least-once; the app dedupes by seq.
    const cursor =
      lastEventId !== undefined && since !== undefined
        ? Math.min(lastEventId, since)
        : (lastEventId ?? since ?? channel.ackedSeq);

    openEventStream(res);
    res.write(formatRetry());
    // Only a response on a live socket may take a stream slot: a pipelined request's response has no socket yet, and a
    // client gone during the awaits above already closed, and neither ever emits the 'close' that frees the slot
    // (one connection of pipelined requests once filled RELAY_MAX_STREAMS for good). Nothing awaits from here on.
    if (!res.socket || res.socket.destroyed || req.socket.destroyed) {
      res.end();
      return;
    }
    const slot = deps.isShuttingDown() ? { refused: 'shutdown' as const } : slots.take(req.ip);
    if ('refused' in slot) {
      // Never a non-200 for a valid subscriber (eventsource would give up forever): end, and it retries.
      metrics.streamRefusals.inc({ reason: slot.refused });
      res.end();
      return;
    }
    res.write(formatNamed('ready', {}));
    const connection = new StreamConnection(
      res,
      channel.id,
      {
        store,
        hub,
        metrics,
        logger,
        heartbeatMs: config.heartbeatMs,
        bufferBytes: config.stream.bufferBytes,
        drainTimeoutMs: config.stream.drainTimeoutMs,
        maxPerChannel: config.stream.maxPerChannel,
      },
      slot.release,
    );
    await connection.start(cursor);
  };
}

/**
 * A valid-looking subscriber we cannot serve right now (storage down): 200 + retry + end, never a non-200, because
 * eventsource treats any non-200 as permanent and smee-client never recovers.
 */
export function retryLater(res: Response): void {
  openEventStream(res);
  res.end(formatRetry());
}

/** Dispatches GET /hooks/:channel: only event streams live here. */
export function requireEventStream(): RequestHandler {
  return (req, res, next) => {
    if (!wantsEventStream(req))
      return sendError(res, 406, 'not_acceptable', 'GET /hooks/:channel serves Accept: text/event-stream only.');
    next();
  };
}
