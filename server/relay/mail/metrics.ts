import { Gauge, type Registry } from 'prom-client';
import type { Mailer } from './mailer';

/**
 * Registers `relay_mail_outbox{state="pending|sent|failed"}`, read from the outbox at scrape time, and
 * `relay_mail_unplanned_events`, the stored events whose jobs are not in the outbox yet.
 */
export function registerMailMetrics(
  registry: Registry,
  mailer: Pick<Mailer, 'stats' | 'unplanned'>,
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
  new Gauge({
    name: 'relay_mail_unplanned_events',
    help: 'Stored events whose emails are not planned yet (a planner falling behind shows here, not in relay_mail_outbox)',
    registers: [registry],
    collect() {
      this.set(mailer.unplanned());
    },
  });
}
