import { describe, expect, it } from 'vitest';
import { appPathFromArgv, appSchemeFor, protocolClientRegistration } from './protocol-client';

describe('protocol client registration', () => {
  it('uses lifescore for packaged builds and lifescore-dev otherwise', () => {
    expect(appSchemeFor(true)).toBe('lifescore');
    expect(appSchemeFor(false)).toBe('lifescore-dev');
  });

  it('registers the plain executable when packaged', () => {
    expect(
      protocolClientRegistration({
        packaged: true,
        defaultApp: false,
        execPath: '/opt/LifeScore/lifescore',
        appPath: undefined,
      }),
    ).toEqual({
      scheme: 'lifescore',
    });
  });

  it('registers electron + the app folder when run as `electron .`', () => {
    expect(
      protocolClientRegistration({
        packaged: false,
        defaultApp: true,
        execPath: '/usr/bin/electron',
        appPath: '/work/main',
      }),
    ).toEqual({
      scheme: 'lifescore-dev',
      path: '/usr/bin/electron',
      args: ['/work/main'],
    });
  });

  it('finds the app folder after any leading switches', () => {
    expect(appPathFromArgv(['/usr/bin/electron', '.'])).toBe('.');
    expect(
      appPathFromArgv(['/usr/bin/electron', '--inspect=0', '--remote-debugging-port=0', '.', '--no-sandbox']),
    ).toBe('.');
    expect(appPathFromArgv(['/usr/bin/electron', '.', 'lifescore-dev://calcom/callback?code=c&state=s'])).toBe('.');
    expect(appPathFromArgv(['/usr/bin/electron'])).toBeUndefined();
    expect(appPathFromArgv(['/usr/bin/electron', '--no-sandbox'])).toBeUndefined();
  });
});
