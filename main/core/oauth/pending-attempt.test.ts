import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeChallengeS256, createPkcePair, createState } from './pkce';
import { PendingAttempts, STATE_TTL_MS } from './pending-attempt';
import { withLastCharacterChanged } from '../../../tests/support/tampered';

function setup() {
  let now = 1_000_000;
  const clock = { now: () => now };
  const attempts = new PendingAttempts({
    calcomAppUrl: 'https://app.cal.com/',
    clientId: 'client-1',
    redirectUri: 'http://127.0.0.1:53682/calcom/callback',
    clock,
    random: randomBytes,
  });
  return { attempts, advance: (ms: number) => (now += ms) };
}

describe('pkce', () => {
  it('matches the RFC 7636 appendix B example', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
  it('makes 43-char verifiers and ≥128-bit states that differ each time', () => {
    const a = createPkcePair(randomBytes);
    const b = createPkcePair(randomBytes);
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(codeChallengeS256(a.verifier));
    const s = createState(randomBytes);
    expect(Buffer.from(s, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(s).not.toBe(createState(randomBytes));
  });
});

describe('PendingAttempts', () => {
  it('builds the authorize URL with every parameter Cal.com needs', () => {
    const { attempts } = setup();
    const a = attempts.begin();
    const url = new URL(a.authorizeUrl);
    expect(url.origin + url.pathname).toBe('https://app.cal.com/auth/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'client-1',
      redirect_uri: 'http://127.0.0.1:53682/calcom/callback',
      response_type: 'code',
      scope: 'PROFILE_READ EVENT_TYPE_READ EVENT_TYPE_WRITE WEBHOOK_READ WEBHOOK_WRITE BOOKING_READ BOOKING_WRITE',
      state: a.state,
      code_challenge: codeChallengeS256(a.verifier),
      code_challenge_method: 'S256',
    });
  });

  it('is single use', () => {
    const { attempts } = setup();
    const a = attempts.begin();
    expect(attempts.take(a.state).kind).toBe('ok');
    expect(attempts.take(a.state).kind).toBe('unknown');
  });

  it('a new begin cancels the old attempt', () => {
    const { attempts } = setup();
    const old = attempts.begin();
    const fresh = attempts.begin();
    expect(attempts.take(old.state).kind).toBe('unknown');
    expect(attempts.take(fresh.state).kind).toBe('ok');
  });

  it('expires after 10 minutes', () => {
    const { attempts, advance } = setup();
    const a = attempts.begin();
    advance(STATE_TTL_MS - 1);
    expect(attempts.pending()).not.toBeNull();
    advance(1);
    expect(attempts.pending()).toBeNull();
    expect(attempts.take(a.state).kind).toBe('expired');
    expect(attempts.take(a.state).kind).toBe('unknown');
  });

  it('ignores unknown states without ending the attempt', () => {
    const { attempts } = setup();
    const a = attempts.begin();
    expect(attempts.take(withLastCharacterChanged(a.state)).kind).toBe('unknown');
    expect(attempts.take('').kind).toBe('unknown');
    expect(attempts.take(a.state).kind).toBe('ok');
  });

  it('cancel drops the attempt', () => {
    const { attempts } = setup();
    const a = attempts.begin();
    attempts.cancel();
    expect(attempts.take(a.state).kind).toBe('unknown');
  });
});
