import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../common/settings';
import { createSettingsAdapter } from './settings-adapter';

function mapStore(initial: Record<string, unknown> = {}) {
  const map = new Map(Object.entries(initial));
  return { map, get: (k: string) => map.get(k), set: (k: string, v: unknown) => void map.set(k, v) };
}

const defaults = defaultSettings('https://relay.example');

describe('createSettingsAdapter', () => {
  it('starts from the defaults and round-trips settings', () => {
    const kv = mapStore();
    const store = createSettingsAdapter(kv, defaults);
    expect(store.read()).toEqual(defaults);
    const next = { ...defaults, notifications: false, profile: { ...defaults.profile, name: 'Jane' } };
    store.write(next);
    expect(store.read()).toEqual(next);
  });

  it('merges an older file over the defaults and survives a corrupted one', () => {
    expect(
      createSettingsAdapter(mapStore({ settings: { profile: { name: 'Old' } } }), defaults).read().profile,
    ).toEqual({ ...defaults.profile, name: 'Old' });
    expect(createSettingsAdapter(mapStore({ settings: { relayUrl: 'not a url' } }), defaults).read()).toEqual(defaults);
    expect(createSettingsAdapter(mapStore({ settings: 'garbage' }), defaults).read()).toEqual(defaults);
  });

  it('refuses to write invalid settings', () => {
    expect(() => createSettingsAdapter(mapStore(), defaults).write({ ...defaults, relayUrl: 'nope' })).toThrow();
  });

  it('keeps records in one object (the conf-settings layout) and deletes them on undefined', () => {
    const kv = mapStore({ records: { other: 1 } });
    const store = createSettingsAdapter(kv, defaults);
    store.writeRecord('connect.pending', { step: 'me' });
    expect(kv.map.get('records')).toEqual({ other: 1, 'connect.pending': { step: 'me' } });
    expect(store.readRecord('connect.pending')).toEqual({ step: 'me' });
    store.writeRecord('connect.pending', undefined);
    expect(store.readRecord('connect.pending')).toBeUndefined();
  });
});
