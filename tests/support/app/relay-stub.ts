import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { PulledEvent } from '../../../common/relay';
import { signCalBody } from '../../../main/core/sync/signature';

/** Test helper: a tiny stand-in for the relay's pull and ack endpoints, holding raw signed events. */
export interface RelayStub {
  readonly url: string;
  readonly token: string;
  readonly acks: number[];
  pulls: number;
  /** Makes the next `n` pulls fail with `status`. */
  failPulls(n: number, status: number): void;
  /** Stores a raw body as the next sequence, signed with `secret`; returns the pulled form. */
  add(body: string, secret: string): PulledEvent;
  setOldest(seq: number): void;
  /** Loses the whole log (a relay whose data was reset). */
  wipe(): void;
  close(): Promise<void>;
}

export async function startRelayStub(channelId: string): Promise<RelayStub> {
  const events: PulledEvent[] = [];
  const acks: number[] = [];
  const token = 't'.repeat(40);
  let failing = 0;
  let failStatus = 503;
  let oldest = 0;
  const app = express();
  const stub = { pulls: 0 } as { pulls: number };
  app.use((req, res, next) => (req.headers.authorization === `Bearer ${token}` ? next() : void res.status(401).end()));
  app.get(`/api/channels/${channelId}/events`, (req, res) => {
    stub.pulls += 1;
    if (failing > 0) {
      failing -= 1;
      return void res.status(failStatus).end();
    }
    const after = Number(req.query.after ?? 0);
    const limit = Number(req.query.limit ?? 100);
    const page = events.filter((e) => e.seq > after && e.seq >= oldest).slice(0, limit);
    res.json({ events: page, lastSeq: events.length, oldestSeq: events.length === 0 ? 0 : Math.max(1, oldest) });
  });
  app.post(`/api/channels/${channelId}/ack`, express.json(), (req, res) => {
    acks.push((req.body as { upTo: number }).upTo);
    res.json({ ackedSeq: (req.body as { upTo: number }).upTo });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    acks,
    get pulls() {
      return stub.pulls;
    },
    set pulls(n: number) {
      stub.pulls = n;
    },
    failPulls(n, status) {
      failing = n;
      failStatus = status;
    },
    add(body, secret) {
      const event: PulledEvent = {
        seq: events.length + 1,
        receivedAt: new Date().toISOString(),
        contentType: 'application/json',
        headers: { 'content-type': 'application/json', 'x-cal-signature-256': signCalBody(secret, body) },
        bodyBase64: Buffer.from(body).toString('base64'),
      };
      events.push(event);
      return event;
    },
    setOldest(seq) {
      oldest = seq;
    },
    wipe() {
      events.length = 0;
      oldest = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
