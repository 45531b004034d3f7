import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALCOM_SIGNATURE_HEADER } from '../../../common/calcom';
import { RELAY_CHANNEL_HEADER, RELAY_REENCODED_HEADER, RELAY_SEQ_HEADER } from '../../../common/relay';
import type { Logger } from '../ports';
import type { ForwardedEvent, IntakeOutcome } from './event-intake';
import { lazyImport } from './lazy-import';

/**
 * The loopback receiver smee-client forwards to. It answers fast and never relies on smee-client retrying
 * (it doesn't): whatever it can't take now, the intake's gap filler pulls from the relay later.
 */

export interface Receiver {
  /** The URL to give smee-client as its target. */
  readonly url: string;
  /** Settles when the receiver stops by itself (its server closed or failed), never after close(): the engine restarts it. */
  readonly ended: Promise<Error>;
  close(): Promise<void>;
}

export interface ReceiverDeps {
  readonly channelId: string;
  readonly accept: (event: ForwardedEvent) => Promise<IntakeOutcome>;
  readonly logger: Logger;
  /** Largest forwarded body accepted (the relay's limit is the real one). */
  readonly bodyLimit?: string;
}

/** A parsed forward, or why it was refused. Pure. */
export function parseForward(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
  channelId: string,
): { ok: true; event: ForwardedEvent } | { ok: false; status: number; reason: string } {
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const seqText = one(RELAY_SEQ_HEADER);
  if (!seqText || !/^[1-9]\d{0,14}$/.test(seqText)) return { ok: false, status: 400, reason: 'missing or bad relay sequence' };
  if (one(RELAY_CHANNEL_HEADER) !== channelId) return { ok: false, status: 403, reason: 'not this channel' };
  return {
    ok: true,
    event: { seq: Number(seqText), reencoded: one(RELAY_REENCODED_HEADER) === 'true', signature: one(CALCOM_SIGNATURE_HEADER), body },
  };
}

/** True for a Host header naming this loopback server (DNS-rebinding guard). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

const statusFor: Readonly<Record<IntakeOutcome, number>> = {
  applied: 200,
  duplicate: 200,
  quarantined: 200,
  deferred: 503,
  'unknown-seq': 404,
};

/** express, loaded when the first receiver starts (a connected app's sync engine), not at app start. */
const loadExpress = lazyImport('express', async () => (await import('express')).default);

/** Starts the receiver on 127.0.0.1, on a free port. Rejects with AppFailure('internal') if express cannot be loaded. */
export async function startReceiver(deps: ReceiverDeps): Promise<Receiver> {
  const express = await loadExpress();
  const app = express();
  app.disable('x-powered-by');
  let port = 0;
  app.use((req, res, next) => {
    if (!isLoopbackHost(req.headers.host, port)) {
      res.status(403).json({ error: { code: 'forbidden', message: 'loopback only' } });
      return;
    }
    next();
  });
  // Raw bytes whatever the content type: smee-client always says application/json, but the bytes are what we verify.
  app.post('/', express.raw({ type: () => true, limit: deps.bodyLimit ?? '10mb' }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const parsed = parseForward(req.headers, body, deps.channelId);
    if (!parsed.ok) {
      deps.logger.warn('forward refused', { reason: parsed.reason });
      res.status(parsed.status).json({ error: { code: 'bad_input', message: parsed.reason } });
      return;
    }
    deps.accept(parsed.event).then(
      (outcome) => res.status(statusFor[outcome]).json({ outcome }),
      (err: unknown) => {
        deps.logger.error('forward failed', { seq: parsed.event.seq, error: String(err) });
        res.status(500).json({ error: { code: 'internal', message: 'could not take the event' } });
      },
    );
  });
  app.use((_req, res) => void res.status(404).json({ error: { code: 'not_found', message: 'not found' } }));

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  port = (server.address() as AddressInfo).port;
  let closing = false;
  const ended = new Promise<Error>((resolve) => {
    server.once('error', (err) => resolve(err));
    server.once('close', () => {
      if (!closing) resolve(new Error('the local receiver stopped'));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    ended,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
