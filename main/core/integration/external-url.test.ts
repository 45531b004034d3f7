import { describe, expect, it } from 'vitest';
import { isAllowedExternal } from './external-url';

describe('isAllowedExternal', () => {
  it.each([
    ['https://app.cal.com/dana-reyes/consultation-30min', true],
    ['http://127.0.0.1:5555/auth/oauth2/authorize', true],
    ['http://localhost:5173/', true],
    ['http://[::1]:8080/', true],
    ['http://example.com/', false],
    ['http://127.0.0.1.evil.com/', false],
    ['https://user:pw@app.cal.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['lifescore://bookings/x', false],
    ['smb://host/share', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => {
    expect(isAllowedExternal(url)).toBe(ok);
  });
});
