import { expect, it } from 'vitest';
import type { Logger } from '../ports';
import { createActivityLog } from './activity-log';

const sink = (): Logger & { lines: string[] } => {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
};

it('keeps the newest lines first, up to its capacity, and still writes every line to the inner logger', () => {
  let t = Date.UTC(2026, 10, 26, 9);
  const log = createActivityLog(3, () => (t += 1000));
  const inner = sink();
  const logger = log.tee(inner);
  logger.info('one');
  logger.warn('two', { code: 'relay_unreachable', attempt: 2, retrying: true });
  logger.error('three');
  logger.info('four');
  expect(inner.lines).toEqual(['info one', 'warn two', 'error three', 'info four']);
  expect(log.entries().map((e) => `${e.level} ${e.message}`)).toEqual(['info four', 'error three', 'warn two']);
  expect(log.entries()[2]).toEqual({
    at: '2026-11-26T09:00:02.000Z',
    level: 'warn',
    message: 'two',
    details: { code: 'relay_unreachable', attempt: 2, retrying: true },
  });
});

it('redacts secrets before keeping a line, and flattens nested values to short strings', () => {
  const log = createActivityLog();
  const logger = log.tee(sink());
  logger.warn('callback http://127.0.0.1:4000/cb?code=abc123&state=xyz failed', {
    accessToken: 'at_live_secret',
    err: { message: 'x'.repeat(1000) },
    url: 'https://relay.example/hooks/ch?token=tk_secret',
  });
  const [e] = log.entries();
  expect(JSON.stringify(e)).not.toMatch(/abc123|xyz|at_live_secret|tk_secret/);
  expect(e?.message).toContain('code=[redacted]');
  expect(e?.details.accessToken).toBe('[redacted]');
  expect(String(e?.details.err).length).toBeLessThanOrEqual(300);
});
