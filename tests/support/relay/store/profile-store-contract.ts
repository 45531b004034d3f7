import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileStore, PublishedProfile } from '../../../../server/relay/profile/profile-store';

/** Test support (not a test file): the behaviour every ProfileStore adapter must show, run once per engine. */

export type OpenEmptyProfiles = () => Promise<{
  store: ProfileStore;
  sibling: () => Promise<ProfileStore>;
  close: () => Promise<void>;
}>;

const profile = (slug: string, name = 'Dana Reyes'): PublishedProfile => ({
  slug,
  name,
  bio: '',
  preparationTips: '',
  timeZone: 'Europe/Berlin',
  email: 'dana@example.com',
  services: [],
  emailsEnabled: true,
});

/** Defines the shared profile contract suite for one adapter. */
export function describeProfileStore(name: string, openEmpty: OpenEmptyProfiles): void {
  describe(`${name} profile store (contract)`, () => {
    const closers: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of closers.splice(0)) await c();
    });
    const open = async () => {
      const o = await openEmpty();
      closers.push(o.close);
      return o;
    };

    it('creates, replaces, finds by slug and channel, and removes a profile', async () => {
      const { store: s } = await open();
      expect(await s.put({ channelId: 'c1', profile: profile('dana-reyes'), updatedAt: 1, userId: 7 })).toBe('ok');
      expect(await s.getBySlug('dana-reyes')).toEqual({
        channelId: 'c1',
        profile: profile('dana-reyes'),
        updatedAt: 1,
        userId: 7,
      });
      expect(await s.put({ channelId: 'c1', profile: profile('dana', 'Dana R.'), updatedAt: 2, userId: 8 })).toBe('ok');
      expect(await s.getBySlug('dana-reyes')).toBeUndefined();
      expect((await s.getByChannel('c1'))?.profile.name).toBe('Dana R.');
      expect(await s.remove('c1')).toBe(true);
      expect(await s.remove('c1')).toBe(false);
      expect(await s.getByChannel('c1')).toBeUndefined();
    });

    it('refuses a slug another channel holds, also when two instances publish it at once', async () => {
      const { store, sibling } = await open();
      await store.put({ channelId: 'c1', profile: profile('taken'), updatedAt: 1, userId: 7 });
      expect(await store.put({ channelId: 'c2', profile: profile('taken'), updatedAt: 2, userId: 8 })).toBe(
        'slug_taken',
      );
      const other = await sibling();
      const results = await Promise.all([
        store.put({ channelId: 'c3', profile: profile('race'), updatedAt: 3, userId: 9 }),
        other.put({ channelId: 'c4', profile: profile('race'), updatedAt: 3, userId: 10 }),
      ]);
      expect(results.sort()).toEqual(['ok', 'slug_taken']);
    });

    it('gives a slug up to the same account, to anyone over an anonymous-era holder, and to a take-over (issue 16)', async () => {
      const { store: s } = await open();
      await s.put({ channelId: 'old', profile: profile('anon'), updatedAt: 1, userId: null });
      expect(await s.put({ channelId: 'v1', profile: profile('anon'), updatedAt: 2, userId: 1 })).toBe('ok');
      expect(await s.getByChannel('old')).toBeUndefined();
      expect(await s.put({ channelId: 'v1b', profile: profile('anon'), updatedAt: 3, userId: 1 })).toBe('ok');
      expect((await s.getBySlug('anon'))?.channelId).toBe('v1b');
      expect(await s.put({ channelId: 'v2', profile: profile('anon'), updatedAt: 4, userId: 2 })).toBe('slug_taken');
      expect(
        await s.put({ channelId: 'v2', profile: profile('anon'), updatedAt: 5, userId: 2 }, { takeOver: true }),
      ).toBe('ok');
      expect(await s.getBySlug('anon')).toMatchObject({ channelId: 'v2', userId: 2 });
      expect(await s.getByChannel('v1b')).toBeUndefined();
    });
  });
}
