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

/** Starts the server on 127.0.0.1 (port 0 = any free port). */
export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const rcptAttempts: string[] = [];
  const rejected = new Set<string>();
  let refuse = 0;
  const options: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, cb) {
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
  let server = new SMTPServer(options);
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
    refuseNext: (n) => void (refuse = n),
    reject: (a) => void rejected.add(a.toLowerCase()),
    down,
    async up() {
      if (isUp) return;
      server = new SMTPServer(options);
      await listen(actualPort);
      isUp = true;
    },
    close: down,
  };
}
