import fs from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';

/** Where mail goes: an SMTP server, or .eml files in the data folder when none is configured. */
export interface MailTransport {
  /** For logs and `npm start`: the SMTP URL without credentials, or the .eml folder. */
  readonly destination: string;
  readonly kind: 'smtp' | 'eml';
  /** Resolves when the server accepted the message (or the file is written); rejects with nodemailer's error. */
  send(message: SendMailOptions): Promise<{ readonly messageId: string; readonly file?: string }>;
  close(): void;
}

export interface TransportOptions {
  readonly smtpUrl?: string;
  readonly dataDir: string;
  /** Connection, greeting and socket timeouts (ms); short by default so a dead server is a fast transient failure. */
  readonly timeoutsMs?: { readonly connection: number; readonly greeting: number; readonly socket: number };
}

/** The SMTP URL as it can be logged: no user or password. */
export function redactSmtpUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** Writes atomically (temp file + rename) so a crash never leaves half a message that looks complete. */
async function writeEml(dir: string, name: string, data: Buffer): Promise<string> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  const tmp = `${file}.tmp`;
  await fs.writeFile(tmp, data, { mode: 0o600 });
  await fs.rename(tmp, file);
  return file;
}

/** Creates the transport from configuration: SMTP_URL if set, else the embedded .eml writer. */
export function createMailTransport(opts: TransportOptions): MailTransport {
  if (opts.smtpUrl) {
    const t = opts.timeoutsMs ?? { connection: 15_000, greeting: 15_000, socket: 60_000 };
    const smtp = createTransport({ url: opts.smtpUrl, connectionTimeout: t.connection, greetingTimeout: t.greeting, socketTimeout: t.socket });
    return {
      destination: redactSmtpUrl(opts.smtpUrl),
      kind: 'smtp',
      async send(message) {
        const info = await smtp.sendMail(message);
        return { messageId: info.messageId };
      },
      close: () => smtp.close(),
    };
  }
  const dir = path.join(opts.dataDir, 'mail-outbox');
  const stream = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    destination: dir,
    kind: 'eml',
    async send(message) {
      const info = await stream.sendMail(message);
      const safeId = info.messageId.replace(/[^A-Za-z0-9.@_-]/g, '');
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeId}.eml`;
      return { messageId: info.messageId, file: await writeEml(dir, name, info.message as Buffer) };
    },
    close: () => stream.close(),
  };
}
