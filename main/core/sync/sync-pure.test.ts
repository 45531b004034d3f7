import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';
import { isLoopbackHost, parseForward } from './receiver';
import { signCalBody, verifyCalSignature } from './signature';
import { isStreamRequest, withSince } from './stream-fetch';
import { SIGNED_BODY, SIGNING_SECRET, signatureCases } from '../../../tests/support/webhook-signature-cases';

const CH = 'c'.repeat(22);

describe('verifyCalSignature', () => {
  // The table the relay's signatureMatches iterates too (issue 20): what the relay accepts, the app applies.
  it.each(signatureCases)('%s → %s', (_name, signature, expected) => {
    expect(verifyCalSignature(SIGNING_SECRET, SIGNED_BODY, signature)).toBe(expected);
  });
  it('accepts what it signs, and fails when one byte of the body differs (re-serialization breaks it)', () => {
    const body = Buffer.from('{"triggerEvent":"PING"}');
    const good = signCalBody('s3cret', body);
    expect(verifyCalSignature('s3cret', body, good)).toBe(true);
    expect(verifyCalSignature('s3cret', Buffer.from('{"triggerEvent": "PING"}'), good)).toBe(false);
    expect(verifyCalSignature('s3cret', body, null)).toBe(false);
  });
});

describe('backoffDelay', () => {
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [3, 0, 2000],
    [3, 1, 4000],
    [20, 1, 30_000],
    [20, 0, 15_000],
  ])('attempt %i, random %f → %i ms', (attempt, r, expected) => {
    expect(backoffDelay(attempt, { baseMs: 500, maxMs: 30_000 }, () => r)).toBe(expected);
  });
});

describe('parseForward', () => {
  const body = Buffer.from('{}');
  it.each([
    [
      { 'x-relay-seq': '12', 'x-relay-channel': CH, 'x-cal-signature-256': 'ab' },
      { ok: true, event: { seq: 12, reencoded: false, signature: 'ab', body } },
    ],
    [
      { 'x-relay-seq': '3', 'x-relay-channel': CH, 'x-relay-body-reencoded': 'true' },
      { ok: true, event: { seq: 3, reencoded: true, signature: undefined, body } },
    ],
    [
      { 'x-relay-seq': '0', 'x-relay-channel': CH },
      { ok: false, status: 400 },
    ],
    [
      { 'x-relay-seq': '1e3', 'x-relay-channel': CH },
      { ok: false, status: 400 },
    ],
    [{ 'x-relay-channel': CH }, { ok: false, status: 400 }],
    [
      { 'x-relay-seq': '1', 'x-relay-channel': 'other' },
      { ok: false, status: 403 },
    ],
  ])('%j', (headers, expected) => {
    expect(parseForward(headers, body, CH)).toMatchObject(expected);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1:4000', true],
    ['localhost:4000', true],
    ['[::1]:4000', true],
    ['127.0.0.1:4001', false],
    ['evil.example:4000', false],
    [undefined, false],
  ])('%s → %s', (host, expected) => expect(isLoopbackHost(host, 4000)).toBe(expected));
});

describe('stream fetch helpers', () => {
  it.each([
    [{ headers: { Accept: 'text/event-stream' } }, true],
    [{ method: 'GET', headers: { accept: 'text/event-stream', 'Last-Event-ID': '4' } }, true],
    [{ method: 'POST', headers: { 'content-type': 'application/json' } }, false],
    [{ method: 'POST', headers: { accept: 'text/event-stream' } }, false],
    [undefined, false],
  ])('isStreamRequest(%j) → %s', (init, expected) => expect(isStreamRequest(init)).toBe(expected));

  it('sets since on the stream URL, replacing an old one', () => {
    expect(withSince('http://r.example/hooks/abc', 7)).toBe('http://r.example/hooks/abc?since=7');
    expect(withSince(new URL('http://r.example/hooks/abc?since=1&x=y'), 9)).toBe(
      'http://r.example/hooks/abc?since=9&x=y',
    );
  });
});
