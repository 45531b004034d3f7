import { describe, expect, it } from 'vitest';
import { ClientBudget } from './client-budget';

describe('ClientBudget', () => {
  it('caps slots in all and per client, and gives each back once however often it is released', () => {
    const slots = new ClientBudget({ total: 3, perClient: 2 });
    const a1 = slots.take('192.0.2.1');
    const a2 = slots.take('192.0.2.1');
    expect(slots.take('192.0.2.1')).toEqual({ refused: 'client_limit' });
    const b1 = slots.take('192.0.2.2');
    expect(slots.take('192.0.2.3')).toEqual({ refused: 'capacity' });
    if (!('release' in a1) || !('release' in a2) || !('release' in b1)) throw new Error('expected slots');
    a1.release();
    a1.release();
    expect('release' in slots.take('192.0.2.1')).toBe(true);
    expect(slots.take('192.0.2.3')).toEqual({ refused: 'capacity' });
  });

  it('counts an IPv6 client by its /56 and an IPv4-mapped address as the IPv4 one', () => {
    const slots = new ClientBudget({ total: 100, perClient: 2 });
    // One host with a /64 (or a /56) of its own could otherwise open every stream from a fresh address.
    expect('release' in slots.take('2001:db8:1:1::1')).toBe(true);
    expect('release' in slots.take('2001:db8:1:ff::2')).toBe(true);
    expect(slots.take('2001:db8:1:42::3')).toEqual({ refused: 'client_limit' });
    expect('release' in slots.take('2001:db8:1:100::1')).toBe(true); // the next /56
    expect('release' in slots.take('198.51.100.7')).toBe(true);
    expect('release' in slots.take('::ffff:198.51.100.7')).toBe(true);
    expect(slots.take('198.51.100.7')).toEqual({ refused: 'client_limit' });
  });

  it('counts amounts (bytes in flight) against both caps', () => {
    const bytes = new ClientBudget({ total: 100, perClient: 60 });
    const a = bytes.take('192.0.2.1', 50);
    expect(bytes.take('192.0.2.1', 20)).toEqual({ refused: 'client_limit' });
    expect('release' in bytes.take('192.0.2.1', 10)).toBe(true);
    expect(bytes.take('192.0.2.2', 50)).toEqual({ refused: 'capacity' });
    if (!('release' in a)) throw new Error('expected a share');
    a.release();
    expect('release' in bytes.take('192.0.2.2', 50)).toBe(true);
  });
});
