import type { ServerResponse } from 'node:http';
import type { PushEvent } from '../../common/api';

/** Heartbeat comment interval: well under common proxy and browser idle timeouts. */
const HEARTBEAT_MS = 15_000;

/** The open SSE responses of the host; each core event goes to every one of them. */
export interface EventStreamHub {
  /** Takes over a response: writes SSE headers, sends `first` events, keeps it until the client leaves. */
  attach(res: ServerResponse, first: readonly PushEvent[]): void;
  broadcast(event: PushEvent): void;
  readonly size: number;
  /** Ends every stream (on shutdown, so server.close() can finish). */
  closeAll(): void;
}

/** Creates the hub; events are `data:` lines of JSON, the default `message` event type of EventSource. */
export function createEventStreamHub(): EventStreamHub {
  const clients = new Set<ServerResponse>();
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const send = (res: ServerResponse, event: PushEvent): void => {
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  };

  return {
    attach(res, first) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // EventSource reconnects after this many ms if the host restarts.
      res.write('retry: 2000\n\n');
      for (const event of first) send(res, event);
      clients.add(res);
      res.on('close', () => clients.delete(res));
    },
    broadcast(event) {
      for (const res of clients) send(res, event);
    },
    get size() {
      return clients.size;
    },
    closeAll() {
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
