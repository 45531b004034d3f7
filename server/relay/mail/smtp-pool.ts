import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { parseConnectionUrl } from 'nodemailer/lib/shared';
import { lazyImport } from '../../../common/lazy-import';

/**
 * A few reused SMTP sessions over nodemailer's own SMTPConnection (the protocol: greeting, EHLO, STARTTLS, AUTH,
 * PIPELINING, dot-stuffing, timeouts, error codes), without nodemailer's Mailer and pool on top (issue 18). For a
 * message that is already RFC 5322 bytes those layers only cost time: a MailMessage and mime-node per message, an
 * address parse, an AbortSignal with its DOMException, a read stream over the Buffer. Measured on loopback against
 * smtp-server, 4 connections, 6 KB messages: 0.51 ms of CPU per message through createTransport({pool}), 0.24 ms
 * through SMTPConnection.
 */

export interface SmtpPoolOptions {
  /** smtp:// or smtps:// with optional user:password@ (nodemailer's parseConnectionUrl reads it, query options too). */
  readonly url: string;
  /** Sessions open at once; a send past them waits for one to be free. */
  readonly maxConnections: number;
  /** A session is closed (QUIT) after this many messages and a new one opened when needed. */
  readonly maxMessages: number;
  /** A session unused this long is closed: a quiet relay holds none open. */
  readonly idleMs: number;
  readonly timeoutsMs: { readonly connection: number; readonly greeting: number; readonly socket: number };
}

export interface SmtpPool {
  /** Resolves with the server's reply once it accepted the message; rejects with nodemailer's error otherwise. */
  send(envelope: { readonly from: string; readonly to: string[] }, raw: Buffer): Promise<{ readonly response: string }>;
  close(): void;
}

/** nodemailer costs ~3 MB of heap: a relay loads it with its first message, not at start (issue 18, RSS idle). */
const loadSmtp = lazyImport(
  'nodemailer',
  async (): Promise<{
    readonly SMTPConnection: typeof SMTPConnection;
    readonly parseConnectionUrl: typeof parseConnectionUrl;
  }> => ({
    SMTPConnection: (await import('nodemailer/lib/smtp-connection')).default,
    parseConnectionUrl: (await import('nodemailer/lib/shared')).parseConnectionUrl,
  }),
);

interface Session {
  readonly smtp: SMTPConnection;
  messages: number;
  /** False once the server or the network ended it: it is never handed out again. */
  open: boolean;
  idleTimer?: NodeJS.Timeout;
}

interface Waiter {
  resolve(session: Session): void;
  reject(err: unknown): void;
}

/** An error the server gave for this message only (refused sender, recipients or content): the session is fine. */
function refusedMessageOnly(err: unknown): boolean {
  const e = err as { code?: unknown; responseCode?: unknown };
  return (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.responseCode !== 421;
}

export function createSmtpPool(opts: SmtpPoolOptions): SmtpPool {
  const idle: Session[] = [];
  const waiting: Waiter[] = [];
  let opened = 0;
  let closed = false;

  /** A slot is free (a session ended or failed to open): the first send waiting gets a new session in it. */
  const slotFreed = () => {
    opened--;
    const next = waiting.shift();
    if (next) connect().then(next.resolve, next.reject);
  };

  /** A session ended, by us or by the server. */
  const ended = (s: Session) => {
    if (!s.open) return;
    s.open = false;
    clearTimeout(s.idleTimer);
    const at = idle.indexOf(s);
    if (at >= 0) idle.splice(at, 1);
    slotFreed();
  };

  const retire = (s: Session, quit: boolean) => {
    if (quit) s.smtp.quit();
    else s.smtp.close();
    ended(s);
  };

  /** Opens a session: connect (and TLS), then AUTH when the URL has credentials and the server offers it. */
  async function connect(): Promise<Session> {
    if (closed) throw new Error('mail transport is closed');
    opened++;
    try {
      const lib = await loadSmtp();
      const options = lib.parseConnectionUrl(opts.url);
      const smtp = new lib.SMTPConnection({
        ...options,
        connectionTimeout: opts.timeoutsMs.connection,
        greetingTimeout: opts.timeoutsMs.greeting,
        socketTimeout: opts.timeoutsMs.socket,
      });
      const session: Session = { smtp, messages: 0, open: false };
      await new Promise<void>((resolve, reject) => {
        // Every failure is emitted, then the session ends: before it is ready that fails the connect; after, a
        // send in flight gets the same error through its callback and the end frees the slot.
        smtp.on('error', reject);
        smtp.once('end', () => {
          reject(new Error('the SMTP server closed the connection'));
          ended(session);
        });
        smtp.connect(() => {
          const auth = options.auth;
          if (!auth?.user || !smtp.allowsAuth) return resolve();
          smtp.login(auth, (err) => (err ? reject(err) : resolve()));
        });
      }).catch((err: unknown) => {
        smtp.close();
        throw err;
      });
      if (closed) {
        smtp.quit();
        throw new Error('mail transport is closed');
      }
      session.open = true;
      return session;
    } catch (err) {
      slotFreed();
      throw err;
    }
  }

  const acquire = (): Promise<Session> => {
    const s = idle.pop();
    if (s) {
      clearTimeout(s.idleTimer);
      return Promise.resolve(s);
    }
    if (opened < opts.maxConnections) return connect();
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };

  const release = (s: Session) => {
    if (!s.open) return;
    if (closed || s.messages >= opts.maxMessages) return retire(s, true);
    const next = waiting.shift();
    if (next) return next.resolve(s);
    s.idleTimer = setTimeout(() => retire(s, true), opts.idleMs);
    s.idleTimer.unref();
    idle.push(s);
  };

  return {
    async send(envelope, raw) {
      const s = await acquire();
      return new Promise((resolve, reject) => {
        s.smtp.send(envelope, raw, (err, info) => {
          if (!err) {
            s.messages++;
            release(s);
            return resolve({ response: info.response });
          }
          reject(err);
          if (!s.open) return;
          // A refused message leaves the session usable once reset; anything else may have left it mid-command.
          if (refusedMessageOnly(err)) s.smtp.reset((resetErr) => (resetErr ? retire(s, false) : release(s)));
          else retire(s, false);
        });
      });
    },
    close() {
      closed = true;
      for (const w of waiting.splice(0)) w.reject(new Error('mail transport is closed'));
      for (const s of [...idle]) retire(s, true);
    },
  };
}
