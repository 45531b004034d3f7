import { describe, expect, it } from 'vitest';
import { decideExternalUrl, isAllowedExternal, openableUrl } from './external-url-policy';

/**
 * The one table for the external-URL rule (issue 20): the rows of main/core's isAllowedExternal test and of the
 * Electron glue's decideOpenExternal test, merged. Rows the glue used to refuse only because of its host
 * allow-list are now allowed (marked "was refused by the glue").
 */
const cases: readonly (readonly [url: string, allowed: boolean])[] = [
  ['https://app.cal.com/dana-reyes/consultation-30min', true],
  ['https://cal.com/jane/30min', true],
  ['https://app.cal.com/auth/oauth2/authorize?client_id=x', true],
  ['https://relay.lifescore.example/consultations/jane', true],
  ['https://meet.google.com/abc-defg-hij', true],
  ['https://us02web.zoom.us/j/123', true],
  ['https://team.daily.co/room', true],
  ['https://meet.example.org/room-42', true], // was refused by the glue: a meeting host it did not list
  ['https://evilcal.com/', true], // was refused by the glue: https anywhere is the rule now
  ['https://cal.com.evil.example/', true], // was refused by the glue
  ['http://127.0.0.1:5555/auth/oauth2/authorize', true],
  ['http://127.0.0.1:5555/oauth/authorize', true],
  ['http://localhost:5173/', true],
  ['http://localhost:5001/x', true],
  ['http://[::1]:8080/', true],
  ['http://example.com/', false],
  ['http://cal.com/jane', false],
  ['http://192.168.1.10/', false],
  ['http://127.0.0.1.evil.com/', false],
  ['https://user:pw@app.cal.com/', false],
  ['https://user:pw@cal.com/', false],
  ['file:///etc/passwd', false],
  ['javascript:alert(1)', false],
  ['lifescore://bookings/x', false],
  ['lifescore://calcom/callback?code=x', false],
  ['smb://host/share', false],
  ['ms-msdt:/id PCWDiagnostic', false],
  ['not a url', false],
  ['', false],
  [`https://cal.com/${'a'.repeat(5000)}`, false],
];

describe('external-URL policy', () => {
  it.each(cases)('%s → %s', (url, allowed) => {
    expect(decideExternalUrl(url).allowed).toBe(allowed);
    expect(isAllowedExternal(url)).toBe(allowed);
    expect(openableUrl(url) !== null).toBe(allowed);
  });

  it('returns the normalized URL it decided on', () => {
    expect(decideExternalUrl('https://CAL.com/jane')).toEqual({ allowed: true, url: 'https://cal.com/jane' });
    expect(openableUrl('https://CAL.com/jane')).toBe('https://cal.com/jane');
  });

  it('says why it refused', () => {
    expect(decideExternalUrl('file:///etc/passwd')).toEqual({ allowed: false, reason: 'scheme file: not allowed' });
    expect(decideExternalUrl('http://example.com/')).toEqual({
      allowed: false,
      reason: 'plain http to a non-loopback host',
    });
  });

  it('offers nothing for no link', () => {
    expect(openableUrl(null)).toBeNull();
    expect(openableUrl(undefined)).toBeNull();
    expect(openableUrl('')).toBeNull();
  });
});
