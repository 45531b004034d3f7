import { describe, expect, it, vi } from 'vitest';
import { createChannelCache } from './channel-cache';
import type { ChannelRecord } from './store/types';

const record = (id: string, secret: string | null): ChannelRecord =>
  ({ id, secret, tokenHash: Buffer.alloc(32), createdAt: 0, lastSeq: 0, ackedSeq: 0 }) as unknown as ChannelRecord;

describe('ingest channel cache (issue 18)', () => {
  it('reads storage once per channel, again after invalidate or the TTL, and never remembers unknown or secretless channels', async () => {
    let t = 0;
    const rows = new Map<string, ChannelRecord>([
      ['a', record('a', 's1')],
      ['n', record('n', null)],
    ]);
    const getChannel = vi.fn(async (id: string) => rows.get(id));
    const cache = createChannelCache({ getChannel }, { ttlMs: 1000, now: () => t });
    expect(await cache.get('a')).toEqual({ id: 'a', secret: 's1' });
    expect(await cache.get('a')).toEqual({ id: 'a', secret: 's1' });
    expect(getChannel).toHaveBeenCalledTimes(1);
    rows.set('a', record('a', 's2'));
    cache.invalidate('a');
    expect(await cache.get('a')).toEqual({ id: 'a', secret: 's2' });
    rows.set('a', record('a', 's3')); // changed by another instance: seen after the TTL
    t = 999;
    expect((await cache.get('a'))?.secret).toBe('s2');
    t = 1001;
    expect((await cache.get('a'))?.secret).toBe('s3');
    rows.delete('a');
    cache.invalidate('a');
    expect(await cache.get('a')).toBeUndefined();
    getChannel.mockClear();
    await cache.get('x');
    await cache.get('x');
    await cache.get('n');
    await cache.get('n');
    expect(getChannel).toHaveBeenCalledTimes(4);
  });

  it('does not keep what a read returned when the channel changed while the read was in flight', async () => {
    let release: (r: ChannelRecord) => void = () => {};
    const getChannel = vi.fn(() => new Promise<ChannelRecord | undefined>((r) => (release = r)));
    const cache = createChannelCache({ getChannel }, { ttlMs: 60_000 });
    const first = cache.get('a');
    cache.invalidate('a'); // the secret changed meanwhile
    release(record('a', 'old'));
    expect((await first)?.secret).toBe('old');
    const second = cache.get('a');
    release(record('a', 'new'));
    expect((await second)?.secret).toBe('new');
    expect(getChannel).toHaveBeenCalledTimes(2);
  });
});
