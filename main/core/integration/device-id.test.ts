import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceIdSchema } from '../../../common/relay';
import { createMemorySettingsStore } from '../settings/memory-settings';
import { DEVICE_ID_KEY, deviceIdOf } from './device-id';

describe('deviceIdOf', () => {
  it('makes a valid id once and returns the same one afterwards', () => {
    const settings = createMemorySettingsStore();
    const first = deviceIdOf(settings, randomBytes);
    expect(deviceIdSchema.safeParse(first).success).toBe(true);
    expect(deviceIdOf(settings, randomBytes)).toBe(first);
    expect(settings.readRecord(DEVICE_ID_KEY)).toBe(first);
  });

  it('replaces a tampered value instead of sending it to the relay', () => {
    const settings = createMemorySettingsStore();
    settings.writeRecord(DEVICE_ID_KEY, 'bad id!');
    const id = deviceIdOf(settings, randomBytes);
    expect(id).not.toBe('bad id!');
    expect(deviceIdSchema.safeParse(id).success).toBe(true);
  });

  it('differs between installations', () => {
    expect(deviceIdOf(createMemorySettingsStore(), randomBytes)).not.toBe(
      deviceIdOf(createMemorySettingsStore(), randomBytes),
    );
  });
});
