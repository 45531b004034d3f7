import { describe, expect, it } from 'vitest';
import { streamMessageSchema } from '../../common/relay';
import { formatMessage, formatRetry, isCanonicalJson, parseCursor, smeePayload } from './sse-format';
import type { StoredEvent } from './store/types';

const event = (body: string, headers: Record<string, string> = {}): StoredEvent => ({
  channelId: 'c'.repeat(24),
  seq: 7,
  receivedAt: 0,
  contentType: 'application/json',
  headers,
  query: { a: '1' },
  body: Buffer.from(body, 'utf8'),
});

describe('sse format', () => {
  it.each([
    ['{"a":1}', false],
    ['{"triggerEvent":"PING","payload":{"title":"Caf\u00e9"}}', false],
    ['{ "a": 1 }', true],
    ['{\n  "a": 1\n}', true],
    ['{"u":"https:\\/\\/x"}', true],
    ['{"n":"Caf\\u00e9"}', true],
    ['{"big":9007199254740993}', true],
    ['{"f":1.0}', true],
  ])('%s is flagged re-encoded: %s', (raw, expected) => {
    expect(smeePayload(event(raw))['x-relay-body-reencoded'] === 'true').toBe(expected);
  });

  it.each([
    '{"a":1}',
    '{"triggerEvent":"PING","payload":{"title":"Caf\u00e9"}}',
    '{ "a": 1 }',
    '{"u":"https:\\/\\/x"}',
    '{"big":9007199254740993}',
    '\uFEFF{"a":1}',
  ])('%s: canonical exactly when not re-encoded, and a message formatted with the flag is the same bytes', (raw) => {
    const e = event(raw);
    const canonical = isCanonicalJson(e.body, JSON.parse(raw.replace(/^\uFEFF/, '')));
    expect(canonical).toBe(smeePayload(e)['x-relay-body-reencoded'] === undefined);
    if (canonical) expect(formatMessage({ ...e, canonicalJson: true })).toBe(formatMessage(e));
  });

  it('is not canonical, rather than throwing, for a value too deep to serialize', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(isCanonicalJson(Buffer.from('[]'), deep)).toBe(false);
  });

  it('is never canonical for bytes that are not UTF-8, even when they parse', () => {
    const bytes = Buffer.from([0x22, 0xff, 0x22]); // "\xff": decoded with a replacement character
    expect(isCanonicalJson(bytes, JSON.parse(bytes.toString('utf8')))).toBe(false);
  });

  it('flags bytes that are not UTF-8, and a body that is not JSON (sent as null)', () => {
    const latin1: StoredEvent = {
      ...event(''),
      body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]),
    };
    expect(smeePayload(latin1)['x-relay-body-reencoded']).toBe('true');
    const notJson = smeePayload(event('{"a":'));
    expect(notJson['x-relay-body-reencoded']).toBe('true');
    expect(notJson.body).toBeNull();
  });

  it.each([
    ['{"a":1}', {}],
    [
      '{"triggerEvent":"BOOKING_CREATED","payload":{"title":"Caf\u00e9 \u2603","n":[1,2.5,null,true]}}',
      { 'x-cal-signature-256': 'ab'.repeat(32) },
    ],
    ['{ "a": 1 }', { 'x-cal-webhook-version': 'v'.repeat(2000) }],
    ['{"__proto__":{"x":1},"b":"\\u2028"}', {}],
    ['{"a":', {}],
  ])('the message data is JSON.stringify(smeePayload) byte for byte: %s', (raw, headers) => {
    const e = event(raw, headers);
    const text = formatMessage(e);
    expect(text).toBe(`id: 7\ndata: ${JSON.stringify(smeePayload(e))}\n\n`);
  });

  it('emits only the safe headers plus relay ids, and body/query', () => {
    const data = smeePayload(
      event('{"a":1}', {
        'x-cal-signature-256': 'ab'.repeat(32),
        'x-cal-webhook-version': '2021-10-20',
        'user-agent': 'x',
        'transfer-encoding': 'chunked',
        'x-cal-signature': 'legacy',
      }),
    );
    expect(Object.keys(data).sort()).toEqual(
      [
        'body',
        'content-type',
        'query',
        'x-cal-signature-256',
        'x-cal-webhook-version',
        'x-relay-channel',
        'x-relay-seq',
      ].sort(),
    );
    expect(data['x-relay-seq']).toBe('7');
    expect(streamMessageSchema.parse(data).body).toEqual({ a: 1 });
  });

  it('flags re-encoded bodies and drops over-long header values', () => {
    const data = smeePayload(event('{ "a": 1 }', { 'x-cal-webhook-version': 'v'.repeat(2000) }));
    expect(data['x-relay-body-reencoded']).toBe('true');
    expect(data['x-cal-webhook-version']).toBeUndefined();
  });

  it('writes one message with id and single-line data', () => {
    const text = formatMessage(event('{\n"a":"line\\nbreak"\n}'));
    expect(text.startsWith('id: 7\ndata: {')).toBe(true);
    expect(text.endsWith('}\n\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(4);
  });

  it('jitters retry between 1 and 5 seconds', () => {
    expect(formatRetry(1000, 5000, () => 0)).toBe('retry: 1000\n\n');
    expect(formatRetry(1000, 5000, () => 1)).toBe('retry: 5000\n\n');
  });

  it.each([
    ['12', 12],
    ['0', 0],
    [' 3 ', 3],
    ['-1', undefined],
    ['abc', undefined],
    ['1e3', undefined],
    [undefined, undefined],
  ])('parseCursor(%s)', (v, expected) => expect(parseCursor(v)).toBe(expected));
});
