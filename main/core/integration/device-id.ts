import { deviceIdSchema } from '../../../common/relay';
import type { SettingsStore } from '../ports';

/** Settings record that holds this installation's device id (not secret: it only tells the relay "same computer"). */
export const DEVICE_ID_KEY = 'device.id';

/**
 * The installation's stable random id (DESIGN.md §4a: one live channel per account and device). Made on first use
 * and kept in the settings store; an unreadable or tampered value is replaced rather than sent to the relay.
 */
export function deviceIdOf(settings: SettingsStore, random: (n: number) => Uint8Array): string {
  const stored = deviceIdSchema.safeParse(settings.readRecord<unknown>(DEVICE_ID_KEY));
  if (stored.success) return stored.data;
  const id = Buffer.from(random(18)).toString('base64url');
  settings.writeRecord(DEVICE_ID_KEY, id);
  return id;
}
