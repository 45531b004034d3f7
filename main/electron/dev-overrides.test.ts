import { describe, expect, it } from 'vitest';
import { devOverrides } from './dev-overrides';

describe('development overrides', () => {
  const env = {
    LIFESCORE_USER_DATA_DIR: '/tmp/lifescore-smoke/user-data',
    LIFESCORE_KEYCHAIN_SERVICE: 'LifeScore Consultant smoke 1a2b',
  };

  it('redirects userData and the keychain service in a development build', () => {
    expect(devOverrides(env, false)).toEqual({
      userDataDir: '/tmp/lifescore-smoke/user-data',
      keychainService: 'LifeScore Consultant smoke 1a2b',
    });
  });

  it('is ignored by a packaged app', () => {
    expect(devOverrides(env, true)).toEqual({});
  });

  it('ignores unset, empty, relative and control-character values', () => {
    expect(devOverrides({}, false)).toEqual({});
    expect(devOverrides({ LIFESCORE_USER_DATA_DIR: '  ', LIFESCORE_KEYCHAIN_SERVICE: '' }, false)).toEqual({});
    expect(devOverrides({ LIFESCORE_USER_DATA_DIR: 'relative/dir' }, false)).toEqual({});
    expect(devOverrides({ LIFESCORE_KEYCHAIN_SERVICE: 'evil\nservice' }, false)).toEqual({});
    expect(devOverrides({ LIFESCORE_KEYCHAIN_SERVICE: 'x'.repeat(201) }, false)).toEqual({});
  });
});
