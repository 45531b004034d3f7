import { describe, expect, it } from 'vitest';
import type { LogLevel } from './redacting-logger';
import { createRedactingLogger } from './redacting-logger';

describe('redacting logger', () => {
  const capture = () => {
    const lines: Array<{ level: LogLevel; message: string; fields?: Record<string, unknown> }> = [];
    const logger = createRedactingLogger(
      (level, message, fields) => void lines.push(fields ? { level, message, fields } : { level, message }),
    );
    return { lines, logger };
  };

  it('keeps ordinary messages and fields as they are, at their level', () => {
    const { lines, logger } = capture();
    logger.info('sync finished', { bookings: 3 });
    logger.warn('relay offline');
    expect(lines).toEqual([
      { level: 'info', message: 'sync finished', fields: { bookings: 3 } },
      { level: 'warn', message: 'relay offline' },
    ]);
  });

  it('never writes tokens, OAuth codes or secrets, in the text or in nested fields', () => {
    const { lines, logger } = capture();
    const cause = new Error('callback http://127.0.0.1:53682/calcom/callback?code=SECRETCODE&state=SECRETSTATE failed');
    logger.error('deep link lifescore://calcom/callback?code=SECRETCODE&state=SECRETSTATE failed', {
      error: cause,
      request: {
        headers: { authorization: 'Bearer SECRETBEARER' },
        url: 'https://relay.example/c/x?token=SECRETTOKEN',
      },
      refreshToken: 'SECRETREFRESH',
      webhookSecret: 'SECRETWEBHOOK',
    });
    const written = JSON.stringify(lines);
    for (const secret of ['SECRETCODE', 'SECRETSTATE', 'SECRETBEARER', 'SECRETTOKEN', 'SECRETREFRESH', 'SECRETWEBHOOK'])
      expect(written).not.toContain(secret);
    expect(lines[0]?.level).toBe('error');
    expect(lines[0]?.fields?.error).toEqual({
      name: 'Error',
      message: 'callback http://127.0.0.1:53682/calcom/callback?code=[redacted]&state=[redacted] failed',
    });
  });
});
