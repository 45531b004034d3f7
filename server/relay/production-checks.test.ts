import { describe, expect, it } from 'vitest';
import { loadRelayConfig } from './config';

const complete = {
  NODE_ENV: 'production',
  RELAY_PUBLIC_URL: 'https://relay.example.com',
  RELAY_DATA_DIR: '/var/lib/lifescore-relay',
  SMTP_URL: 'smtp://mail.example.com:587',
};

/** loadRelayConfig's message for an environment, or '' when it is accepted. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadRelayConfig(env);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('production start-up checks', () => {
  it('accepts a complete production environment, with SMTP or with files chosen explicitly', () => {
    expect(refusal(complete)).toBe('');
    expect(refusal({ ...complete, SMTP_URL: undefined, RELAY_MAIL: 'files' })).toBe('');
    expect(refusal({ ...complete, RELAY_DATA_DIR: undefined, DATABASE_URL: 'postgres://relay:pw@db:5432/relay' })).toBe(
      '',
    );
  });

  it.each([
    ['no public URL', { RELAY_PUBLIC_URL: undefined }, 'RELAY_PUBLIC_URL: required in production'],
    [
      'a plain-http public URL',
      { RELAY_PUBLIC_URL: 'http://relay.example.com' },
      'RELAY_PUBLIC_URL: must be an https:// URL',
    ],
    [
      'neither a data folder nor a database',
      { RELAY_DATA_DIR: undefined },
      'RELAY_DATA_DIR: required in production unless DATABASE_URL',
    ],
    ['no SMTP and no explicit file mail', { SMTP_URL: undefined }, 'SMTP_URL: required in production'],
    [
      'RELAY_MAIL=smtp without SMTP_URL',
      { SMTP_URL: undefined, RELAY_MAIL: 'smtp' },
      'SMTP_URL: required when RELAY_MAIL=smtp',
    ],
    ['files and SMTP both', { RELAY_MAIL: 'files' }, 'RELAY_MAIL: files and SMTP_URL contradict'],
    ['an unknown mail choice', { RELAY_MAIL: 'pigeon' }, 'RELAY_MAIL: RELAY_MAIL must be smtp or files'],
  ])('refuses %s, naming the variable', (_name, patch, message) => {
    const text = refusal({ ...complete, ...patch });
    expect(text).toMatch(/^Invalid relay configuration:/);
    expect(text).toContain(message);
  });

  it('lists every problem at once', () => {
    const text = refusal({ NODE_ENV: 'production' });
    for (const name of ['RELAY_PUBLIC_URL', 'RELAY_DATA_DIR', 'SMTP_URL'])
      expect(text).toContain(`${name}: required in production`);
  });

  it('keeps development zero-config', () => {
    expect(refusal({})).toBe('');
    expect(refusal({ NODE_ENV: 'development' })).toBe('');
  });
});
