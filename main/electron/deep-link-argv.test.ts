import { describe, expect, it } from 'vitest';
import { argvFromAdditionalData, extractDeepLink } from './deep-link-argv';

const schemes = ['lifescore'];
const link = 'lifescore://calcom/callback?code=abc&state=xyz';

describe('extractDeepLink', () => {
  it.each([
    ['Windows second instance', ['C:\\App\\LifeScore.exe', '--allow-file-access-from-files', link], link],
    ['Linux xdg-open', ['/opt/LifeScore/lifescore', link], link],
    ['dev: electron . <link>', ['/usr/bin/electron', '/work/app', link], link],
    ['upper-case scheme', ['/x', 'LIFESCORE://bookings/b1'], 'LIFESCORE://bookings/b1'],
    ['no link', ['/x', '--flag'], null],
    ['two links are ambiguous', ['/x', link, 'lifescore://bookings/b1'], null],
    ['another scheme', ['/x', 'lifescore-dev://calcom/callback?code=a'], null],
    ['a lookalike prefix', ['/x', 'lifescorex://a'], null],
    ['an https URL', ['/x', 'https://cal.com/'], null],
    ['a non-string entry', ['/x', 42, null], null],
    ['an oversized entry', ['/x', `lifescore://x/${'a'.repeat(9000)}`], null],
  ])('%s', (_name, argv, expected) => {
    expect(extractDeepLink(argv, schemes)).toBe(expected);
  });

  it('accepts the dev scheme only when asked for it', () => {
    expect(extractDeepLink(['/x', 'lifescore-dev://bookings/b1'], ['lifescore-dev'])).toBe(
      'lifescore-dev://bookings/b1',
    );
  });
});

describe('argvFromAdditionalData', () => {
  it('reads the argv a second instance passed, and nothing else', () => {
    expect(argvFromAdditionalData({ argv: ['/x', link, 3] })).toEqual(['/x', link]);
    expect(argvFromAdditionalData({ argv: 'no' })).toEqual([]);
    expect(argvFromAdditionalData(null)).toEqual([]);
    expect(argvFromAdditionalData(undefined)).toEqual([]);
  });
});
