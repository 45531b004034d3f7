import { describe, expect, it, vi } from 'vitest';
import { allowedHostsFor, createOpenExternal, decideOpenExternal, hostMatches } from './open-external';

const hosts = allowedHostsFor(['https://app.cal.com', 'https://api.cal.com', 'https://relay.lifescore.example']);

describe('decideOpenExternal', () => {
  it.each([
    ['https://cal.com/jane/30min', true],
    ['https://app.cal.com/auth/oauth2/authorize?client_id=x', true],
    ['https://relay.lifescore.example/consultations/jane', true],
    ['https://meet.google.com/abc-defg-hij', true],
    ['https://us02web.zoom.us/j/123', true],
    ['https://team.daily.co/room', true],
    ['http://127.0.0.1:5555/oauth/authorize', true],
    ['http://localhost:5001/x', true],
    ['http://[::1]:5001/x', true],
    ['http://cal.com/jane', false],
    ['https://evilcal.com/', false],
    ['https://cal.com.evil.example/', false],
    ['https://user:pw@cal.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['lifescore://calcom/callback?code=x', false],
    ['smb://host/share', false],
    ['ms-msdt:/id PCWDiagnostic', false],
    ['http://192.168.1.10/', false],
    ['not a url', false],
    ['', false],
    [`https://cal.com/${'a'.repeat(5000)}`, false],
  ])('%s → %s', (url, allowed) => {
    expect(decideOpenExternal(url, hosts).allowed).toBe(allowed);
  });

  it('returns the normalized URL it decided on', () => {
    expect(decideOpenExternal('https://CAL.com/jane', hosts)).toEqual({ allowed: true, url: 'https://cal.com/jane' });
  });

  it('matches hosts on label boundaries', () => {
    expect(hostMatches('app.cal.com', 'cal.com')).toBe(true);
    expect(hostMatches('cal.com', 'cal.com')).toBe(true);
    expect(hostMatches('xcal.com', 'cal.com')).toBe(false);
  });
});

describe('createOpenExternal', () => {
  it('opens allowed URLs and reports refused ones without opening them', async () => {
    const open = vi.fn(async () => undefined);
    const refused = vi.fn();
    const openExternal = createOpenExternal(open, hosts, refused);
    await openExternal('https://cal.com/jane');
    await openExternal('file:///etc/passwd');
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith('https://cal.com/jane');
    expect(refused).toHaveBeenCalledWith('file:///etc/passwd', expect.stringContaining('file:'));
  });
});
