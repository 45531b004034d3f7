import http from 'node:http';

/** One open SSE stream the bench reads as a consumer would, counting what it got. */
export interface SseSubscriber {
  /** Messages with an id received so far (the stream's events; heartbeats and named events have none). */
  events(): number;
  close(): void;
}

const ID_LINE = Buffer.from('\nid: ');

/**
 * Opens an SSE stream (GET with Accept: text/event-stream) and reads it to the end, only counting its events, so the
 * server pays for every event it streams while this side costs little (a native search per chunk). Resolves once the
 * server has answered 200.
 */
export function subscribe(url: string, headers: Record<string, string> = {}): Promise<SseSubscriber> {
  return new Promise((resolve, reject) => {
    let events = 0;
    // The end of the previous chunk, so an id line split across two chunks is still counted once.
    let tail = Buffer.alloc(0);
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url} answered ${res.statusCode}`));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        const text = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
        for (let at = text.indexOf(ID_LINE); at !== -1; at = text.indexOf(ID_LINE, at + ID_LINE.length)) events++;
        tail = Buffer.from(text.subarray(Math.max(0, text.length - (ID_LINE.length - 1))));
      });
      res.on('error', () => undefined);
      resolve({ events: () => events, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}
