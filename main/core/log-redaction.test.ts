import { describe, expect, it } from 'vitest';
import { redact } from './log-redaction';

describe('redact', () => {
  it('hides secret fields and secret query parameters, keeps the rest', () => {
    expect(
      redact({
        accessToken: 'a',
        refresh_token: 'b',
        webhookSecret: 'c',
        code: 'oauth_denied',
        nested: { Authorization: 'Bearer x', n: 1 },
      }),
    ).toEqual({
      accessToken: '[redacted]',
      refresh_token: '[redacted]',
      webhookSecret: '[redacted]',
      code: 'oauth_denied',
      nested: { Authorization: '[redacted]', n: 1 },
    });
    expect(redact('GET http://127.0.0.1:53682/calcom/callback?code=abc&state=def&x=1')).toBe(
      'GET http://127.0.0.1:53682/calcom/callback?code=[redacted]&state=[redacted]&x=1',
    );
    expect(redact(new Error('bad ?token=zzz'))).toEqual({ name: 'Error', message: 'bad ?token=[redacted]' });
  });
});
