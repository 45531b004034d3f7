import { afterEach, describe, expect, it } from 'vitest';
import type { TrustStore } from '../../../../server/relay/trust/trust-store';

/** Test support (not a test file): the behaviour every TrustStore adapter must show, run once per engine. */

export type OpenEmptyTrust = () => Promise<{
  store: TrustStore;
  sibling: () => Promise<TrustStore>;
  close: () => Promise<void>;
}>;

const dana = { userId: 48213, username: 'Dana-Reyes', email: 'dana@example.com', timeZone: 'America/Chicago' };

/** Defines the shared trust store contract suite for one adapter. */
export function describeTrustStore(name: string, openEmpty: OpenEmptyTrust): void {
  describe(`${name} trust store (contract)`, () => {
    const closers: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of closers.splice(0)) await c();
    });
    const open = async () => {
      const o = await openEmpty();
      closers.push(o.close);
      return o;
    };

    it('creates an account with its first approval, refreshes details but keeps the decision, finds it by username', async () => {
      const { store: s } = await open();
      expect(await s.upsertAccount(dana, 10, 'pending')).toEqual({
        ...dana,
        approval: 'pending',
        firstVerifiedAt: 10,
        decidedAt: null,
      });
      expect(await s.setApproval(dana.userId, 'suspended', 20)).toMatchObject({ approval: 'suspended', decidedAt: 20 });
      expect(await s.upsertAccount({ ...dana, email: 'new@example.com' }, 30, 'approved')).toMatchObject({
        email: 'new@example.com',
        approval: 'suspended',
        firstVerifiedAt: 10,
      });
      expect((await s.getAccountByUsername('dana-reyes'))?.userId).toBe(dana.userId);
      expect(await s.getAccountByUsername('omar')).toBeUndefined();
      expect(await s.setApproval(1, 'approved', 1)).toBeUndefined();
    });

    it('binds channels, lists them per account, marks other devices, unbinds', async () => {
      const { store: s } = await open();
      await s.upsertAccount(dana, 1, 'approved');
      await s.bindChannel({ channelId: 'c1', userId: dana.userId, deviceId: 'dev-a', verifiedAt: 1 });
      await s.bindChannel({ channelId: 'c2', userId: dana.userId, deviceId: 'dev-b', verifiedAt: 2 });
      await s.markOtherDevice('c1', 2);
      expect(await s.getBinding('c1')).toEqual({
        channelId: 'c1',
        userId: dana.userId,
        deviceId: 'dev-a',
        verifiedAt: 1,
        otherDeviceSince: 2,
      });
      // Re-binding clears the mark.
      await s.bindChannel({ channelId: 'c1', userId: dana.userId, deviceId: 'dev-a', verifiedAt: 3 });
      expect((await s.getBinding('c1'))?.otherDeviceSince).toBeNull();
      expect((await s.bindingsOfAccount(dana.userId)).map((b) => b.channelId)).toEqual(['c2', 'c1']);
      expect((await s.listAccounts()).map((a) => [a.username, a.channels])).toEqual([['Dana-Reyes', 2]]);
      await s.unbindChannel('c2');
      expect(await s.getBinding('c2')).toBeUndefined();
      expect((await s.listAccounts())[0]?.channels).toBe(1);
    });

    it('reserves mail atomically under the daily cap, also from two instances at once', async () => {
      const { store, sibling } = await open();
      expect(await store.reserveMail(1, '2026-12-02', 3, 5)).toBe(true);
      expect(await store.reserveMail(1, '2026-12-02', 3, 5)).toBe(false);
      expect(await store.reserveMail(1, '2026-12-02', 2, 5)).toBe(true);
      expect(await store.reserveMail(1, '2026-12-03', 6, 5)).toBe(false);
      expect(await store.reserveMail(2, '2026-12-02', 5, 5)).toBe(true);
      const other = await sibling();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).reserveMail(3, '2026-12-02', 1, 4)),
      );
      expect(results.filter(Boolean)).toHaveLength(4);
    });

    it('decides the reservations of one turn in call order, each on its own, and keeps their sum', async () => {
      const { store, sibling } = await open();
      const day = '2026-12-02';
      const asked = await Promise.all([
        store.reserveMail(7, day, 3, 5),
        store.reserveMail(7, day, 3, 5), // 6 > 5: refused
        store.reserveMail(8, day, 1, 1),
        store.reserveMail(7, day, 2, 5), // 5: still fits
        store.reserveMail(8, day, 1, 1), // 2 > 1: refused
        store.reserveMail(9, day, 6, 5), // more than the cap alone
      ]);
      expect(asked).toEqual([true, false, true, true, false, false]);
      const other = await sibling();
      expect(await other.reserveMail(7, day, 1, 5)).toBe(false);
      expect(await other.reserveMail(9, day, 5, 5)).toBe(true);
    });
  });
}
