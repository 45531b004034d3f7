import { describe, expect, it } from 'vitest';
import { hasRealCalcomConfig, loadAppConfig } from './app-config';

const defaults = {
  sandboxUrl: 'http://127.0.0.1:5555',
  relayUrl: 'http://127.0.0.1:5001',
  version: '0.1.0',
  production: false,
};

describe('loadAppConfig', () => {
  it('defaults to the sandbox and the loopback redirect when no Cal.com client is configured', () => {
    const config = loadAppConfig({}, defaults);
    expect(config).toMatchObject({
      calcomAppUrl: 'http://127.0.0.1:5555',
      calcomApiUrl: 'http://127.0.0.1:5555',
      clientId: 'lifescore-desktop',
      redirectUri: 'http://127.0.0.1:53682/calcom/callback',
      relayUrl: 'http://127.0.0.1:5001',
      keychainService: 'LifeScore Consultant (development)',
    });
    expect(hasRealCalcomConfig({})).toBe(false);
  });

  it('uses real Cal.com hosts when a client id is set', () => {
    const env = {
      CALCOM_CLIENT_ID: 'abc',
      RELAY_URL: 'https://relay.example.com/',
      CALCOM_REDIRECT_URI: 'https://relay.example.com/oauth/calcom/callback',
    };
    const config = loadAppConfig(env, { ...defaults, sandboxUrl: undefined, production: true });
    expect(config).toMatchObject({
      calcomAppUrl: 'https://app.cal.com',
      calcomApiUrl: 'https://api.cal.com',
      clientId: 'abc',
      relayUrl: 'https://relay.example.com',
      redirectUri: 'https://relay.example.com/oauth/calcom/callback',
      keychainService: 'LifeScore Consultant',
    });
    expect(hasRealCalcomConfig(env)).toBe(true);
  });

  it('names every invalid variable in one error', () => {
    expect(() => loadAppConfig({ CALCOM_API_URL: 'not a url', RELAY_URL: 'also bad' }, defaults)).toThrow(
      /CALCOM_API_URL[\s\S]*RELAY_URL/,
    );
  });

  it('refuses to run without either real Cal.com or the sandbox', () => {
    expect(() => loadAppConfig({}, { ...defaults, sandboxUrl: undefined })).toThrow(/CALCOM_CLIENT_ID is not set/);
  });
});
