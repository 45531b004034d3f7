import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP peer for the mail-drain bench, in a process of its own so its parsing does not share the mailer's
 * event loop: accepts every message and keeps nothing (the SMTP session and the bytes are real). Reports its port, and on
 * request how many messages it took and its CPU time.
 */
let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, cb) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      received++;
      cb();
    });
  },
});
server.listen(0, '127.0.0.1', () =>
  process.send?.({ type: 'ready', port: (server.server.address() as AddressInfo).port }),
);
process.on('message', (msg: { type?: string }) => {
  if (msg.type === 'count') {
    const cpu = process.cpuUsage();
    process.send?.({ type: 'count', received, cpuMicros: cpu.user + cpu.system });
  }
});
process.on('disconnect', () => process.exit(0));
