import { describe, expect, it } from 'vitest';
import { appSchemeFor, protocolClientRegistration } from './protocol-client';

describe('protocol client registration', () => {
  it('uses lifescore for packaged builds and lifescore-dev otherwise', () => {
    expect(appSchemeFor(true)).toBe('lifescore');
    expect(appSchemeFor(false)).toBe('lifescore-dev');
  });

  it('registers the plain executable when packaged', () => {
    expect(protocolClientRegistration({ packaged: true, defaultApp: false, execPath: '/opt/LifeScore/lifescore', appPath: undefined })).toEqual({
      scheme: 'lifescore',
    });
  });

  it('registers electron + the app folder when run as `electron .`', () => {
    expect(protocolClientRegistration({ packaged: false, defaultApp: true, execPath: '/usr/bin/electron', appPath: '/work/main' })).toEqual({
      scheme: 'lifescore-dev',
      path: '/usr/bin/electron',
      args: ['/work/main'],
    });
  });
});
