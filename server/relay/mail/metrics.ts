import { Gauge, type Registry } from 'prom-client';
import type { Mailer } from './mailer';

/** Registers `relay_mail_outbox{state="pending|sent|failed"}`, read from the outbox at scrape time. */
export function registerMailMetrics(
  registry: Registry,
  mailer: Pick<Mailer, 'stats'>,
  onError: (err: unknown) => void = () => undefined,
): void {
  new Gauge({
    name: 'relay_mail_outbox',
    help: 'Mail outbox rows by state (failed = permanent failures, e.g. 5xx)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      try {
        const s = await mailer.stats();
        this.set({ state: 'pending' }, s.pending);
        this.set({ state: 'sent' }, s.sent);
        this.set({ state: 'failed' }, s.failed);
      } catch (err) {
        onError(err);
      }
    },
  });
}
