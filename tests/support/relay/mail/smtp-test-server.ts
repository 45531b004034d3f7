import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** Test helper (not a test file): a real SMTP server on loopback that records what it accepts. */

export interface ReceivedMail {
  readonly rcptTo: readonly string[];
  readonly mail: ParsedMail;
}

export interface TestSmtp {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Every RCPT TO the server saw, accepted or not. */
  readonly rcptAttempts: string[];
  /** SMTP sessions accepted so far, and those still open. */
  readonly sessions: { opened: number; open: number };
  /** Ends every open session from the server's side (as a server does with idle clients). */
  dropSessions(): void;
  /** Answer the next n connections with `421 try again later`. */
  refuseNext(n: number): void;
  /** Answer RCPT TO for this address with 550. */
  reject(address: string): void;
  /** Stops listening (connections are refused) / listens again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export interface TestSmtpOptions {
  /** Require AUTH (PLAIN/LOGIN, offered without TLS on loopback) with these credentials. */
  readonly auth?: { readonly user: string; readonly pass: string };
}

/** Starts the server on 127.0.0.1 (port 0 = any free port). */
export async function startTestSmtp(port = 0, opts: TestSmtpOptions = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const rcptAttempts: string[] = [];
  const rejected = new Set<string>();
  let refuse = 0;
  const sessions = { opened: 0, open: 0 };
  const credentials = opts.auth;
  const options: SMTPServerOptions = {
    authOptional: !credentials,
    disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === credentials?.user && auth.password === credentials?.pass)
        return cb(null, { user: auth.username });
      cb(smtpError(535, 'Authentication credentials invalid'));
    },
    onConnect(_session, cb) {
      sessions.opened++;
      sessions.open++;
      if (refuse > 0) {
        refuse--;
        return cb(smtpError(421, 'Service not available, try again later'));
      }
      cb();
    },
    onRcptTo(address, _session, cb) {
      rcptAttempts.push(address.address);
      if (rejected.has(address.address.toLowerCase())) return cb(smtpError(550, 'No such user here'));
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), mail });
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  };
  const onClose = () => void sessions.open--;
  let server = new SMTPServer({ ...options, onClose });
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    });
  const actualPort = await listen(port);
  let isUp = true;
  const down = async () => {
    if (!isUp) return;
    isUp = false;
    await new Promise<void>((r) => server.close(() => r()));
  };
  return {
    port: actualPort,
    url: `smtp://127.0.0.1:${actualPort}`,
    received,
    rcptAttempts,
    sessions,
    dropSessions() {
      for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections) c.close();
    },
    refuseNext: (n) => void (refuse = n),
    reject: (a) => void rejected.add(a.toLowerCase()),
    down,
    async up() {
      if (isUp) return;
      server = new SMTPServer({ ...options, onClose });
      await listen(actualPort);
      isUp = true;
    },
    close: down,
  };
}
