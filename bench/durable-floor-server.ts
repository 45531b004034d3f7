import http from 'node:http';
import { CALCOM_SIGNATURE_HEADER } from '../common/calcom';
import { GroupCommitter } from '../server/relay/committer';
import { signatureMatches } from '../server/relay/crypto';
import type { RelayStore } from '../server/relay/store/types';
import { listenOnLoopback } from './loopback-server';

/**
 * The ingest bench's second baseline: what any relay that keeps the relay's promise must do for each webhook, and
 * nothing more. It reads the body, checks its HMAC, parses the JSON, appends it through the relay's own group
 * commit on the relay's own store (SQLite: its WAL fsynced before the answer; PostgreSQL: the COMMIT, fsync on) and
 * answers 200. No rate limits, channel lookup, log line, metrics, stream wake-up or email: the gap between this and
 * the bare server is the cost of durability and verification alone, and the gap between the relay and this is the
 * cost of its features. `store` is opened by the caller and closed here.
 */
export async function startDurableFloor(
  store: RelayStore,
  secret: string,
  channels: readonly string[],
): Promise<{ url: string; close: () => Promise<void> }> {
  for (const id of channels) await store.createChannel({ id, tokenHash: Buffer.alloc(32), createdAt: Date.now() });
  const committer = new GroupCommitter(store, () => undefined);
  const server = http.createServer((req, res) => {
    const id = (req.url ?? '/').split('?')[0]?.split('/')[2] ?? '';
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const signature = req.headers[CALCOM_SIGNATURE_HEADER];
      if (!signatureMatches(secret, body, typeof signature === 'string' ? signature : undefined)) {
        return void res.writeHead(401).end();
      }
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        return void res.writeHead(400).end();
      }
      committer
        .append({
          channelId: id,
          receivedAt: Date.now(),
          contentType: 'application/json',
          headers: {},
          query: {},
          body,
        })
        .then(
          (o) =>
            o.ok
              ? res.writeHead(200, { 'content-type': 'application/json' }).end(`{"received":true,"seq":${o.event.seq}}`)
              : res.writeHead(404).end(),
          () => res.writeHead(503).end(),
        );
    });
  });
  const served = await listenOnLoopback(server);
  return {
    url: served.url,
    close: async () => {
      await served.close();
      await committer.drain();
      await store.close();
    },
  };
}
