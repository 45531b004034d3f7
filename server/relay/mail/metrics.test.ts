import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerMailMetrics } from './metrics';

describe('registerMailMetrics', () => {
  it('exposes outbox counts by state and the events not planned yet, at scrape time', async () => {
    const registry = new Registry();
    let failed = 0;
    let unplanned = 0;
    registerMailMetrics(registry, { stats: async () => ({ pending: 2, sent: 5, failed }), unplanned: () => unplanned });
    failed = 1;
    unplanned = 7;
    const text = await registry.metrics();
    expect(text).toContain('relay_mail_outbox{state="pending"} 2');
    expect(text).toContain('relay_mail_outbox{state="sent"} 5');
    expect(text).toContain('relay_mail_outbox{state="failed"} 1');
    expect(text).toContain('relay_mail_unplanned_events 7');
  });
});
