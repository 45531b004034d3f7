import fs from 'node:fs';
import path from 'node:path';
import { createSmtpPool } from './smtp-pool';

/**
 * SMTP sessions used at once unless SMTP_MAX_CONNECTIONS says otherwise: nodemailer's own pool default. With 4 the
 * bench's drain to a local peer ran 1,800–2,600 emails/s, with 5 2,300–2,500 (issue 18's target is 2,000).
 */
export const DEFAULT_SMTP_CONNECTIONS = 5;

/** Where mail goes: an SMTP server, or .eml files in the data folder when none is configured. */
export interface MailTransport {
  /** For logs and `npm start`: the SMTP URL without credentials, or the .eml folder. */
  readonly destination: string;
  readonly kind: 'smtp' | 'eml';
  /**
   * Sends a complete message (rendered and MIME-encoded on the mail thread, render-batch.ts); resolves when the server
   * accepted it (or the file is written), rejects with nodemailer's error (smtp-pool.ts).
   */
  send(message: RawMessage): Promise<{ readonly messageId: string; readonly file?: string }>;
  /** How many sends may run at once (SMTP: pooled connections; .eml: file writes). */
  readonly concurrency: number;
  close(): void;
}

export interface TransportOptions {
  readonly smtpUrl?: string;
  readonly dataDir: string;
  /** Connection, greeting and socket timeouts (ms); short by default so a dead server is a fast transient failure. */
  readonly timeoutsMs?: { readonly connection: number; readonly greeting: number; readonly socket: number };
  /** SMTP connections kept open and used at once (default DEFAULT_SMTP_CONNECTIONS). */
  readonly maxConnections?: number;
}

/** A message ready for the wire: RFC 5322 bytes (CRLF) and the SMTP envelope. */
export interface RawMessage {
  readonly raw: Uint8Array;
  readonly envelope: { readonly from: string; readonly to: string[] };
  readonly messageId: string;
}

/** The SMTP URL as it can be logged: no user or password. */
export function redactSmtpUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** Writes atomically (temp file + rename) so a crash never leaves half a message that looks complete. */
async function writeEml(dir: string, name: string, data: Uint8Array, made: { done: boolean }): Promise<string> {
  if (!made.done) {
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    made.done = true;
  }
  const file = path.join(dir, name);
  const tmp = `${file}.tmp`;
  // Callback APIs: fs/promises builds a FileHandle per file, which cost more main-thread time than the write.
  await new Promise<void>((resolve, reject) =>
    fs.writeFile(tmp, data, { mode: 0o600 }, (err) => (err ? reject(err) : resolve())),
  );
  await new Promise<void>((resolve, reject) => fs.rename(tmp, file, (err) => (err ? reject(err) : resolve())));
  return file;
}

/** Creates the transport from configuration: SMTP_URL if set, else the embedded .eml writer. */
export function createMailTransport(opts: TransportOptions): MailTransport {
  if (opts.smtpUrl) {
    const t = opts.timeoutsMs ?? { connection: 15_000, greeting: 15_000, socket: 60_000 };
    const maxConnections = opts.maxConnections ?? DEFAULT_SMTP_CONNECTIONS;
    // A few reused sessions (one per message would cost a TLS/EHLO round each), closed soon after a burst: a quiet
    // relay holds none open and the server may restart freely.
    const pool = createSmtpPool({ url: opts.smtpUrl, maxConnections, maxMessages: 1000, idleMs: 1000, timeoutsMs: t });
    return {
      destination: redactSmtpUrl(opts.smtpUrl),
      kind: 'smtp',
      concurrency: maxConnections,
      async send(message) {
        const raw = Buffer.from(message.raw.buffer, message.raw.byteOffset, message.raw.byteLength);
        await pool.send({ from: message.envelope.from, to: message.envelope.to }, raw);
        return { messageId: message.messageId };
      },
      close: () => pool.close(),
    };
  }
  const dir = path.join(opts.dataDir, 'mail-outbox');
  const made = { done: false };
  return {
    destination: dir,
    kind: 'eml',
    concurrency: 8,
    async send(message) {
      const safeId = message.messageId.replace(/[^A-Za-z0-9.@_-]/g, '');
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeId}.eml`;
      try {
        return { messageId: message.messageId, file: await writeEml(dir, name, message.raw, made) };
      } catch (err) {
        made.done = false; // the folder may have been removed: make it again on the next attempt
        throw err;
      }
    },
    close: () => undefined,
  };
}
