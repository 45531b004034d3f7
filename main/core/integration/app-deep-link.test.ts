import { describe, expect, it } from 'vitest';
import { parseAppDeepLink } from './app-deep-link';

describe('parseAppDeepLink', () => {
  it.each([
    ['lifescore://bookings/abc123', { kind: 'open-booking', uid: 'abc123' }],
    ['lifescore-dev://bookings/u_1-x', { kind: 'open-booking', uid: 'u_1-x' }],
    ['lifescore://bookings/', { kind: 'other' }],
    ['lifescore://bookings/a/b', { kind: 'other' }],
    ['lifescore://bookings/a%2Fb', { kind: 'other' }],
    ['lifescore://bookings/a?x=1', { kind: 'other' }],
    ['lifescore://bookings/a#x', { kind: 'other' }],
    ['lifescore://evil@bookings/a', { kind: 'other' }],
    ['https://bookings/a', { kind: 'other' }],
    ['lifescore://calcom/callback?code=a&state=b', { kind: 'other' }],
    ['garbage', { kind: 'other' }],
  ])('%s', (url, want) => {
    expect(parseAppDeepLink(url)).toEqual(want);
  });
});
