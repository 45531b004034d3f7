import type { Logger } from 'pino';
import { diskSpaceWatch } from './disk-space';

/** Whether a webhook may be stored as far as the disk goes: yes, no (the floor), or no for a channel not approved. */
export type DiskRoom = 'ok' | 'low' | 'reserved';

export interface DiskRoomOptions {
  readonly dataDir: string;
  /** Below this, no channel's webhooks are stored (0: no floor). */
  readonly minFreeBytes: number;
  /**
   * Above the floor, this much is kept for channels of approved consultants: anyone can make a channel and sign its
   * webhooks, so without it an attacker's channels fill the disk down to the floor, and from then on every
   * consultant's bookings were refused. (0: no reserve.)
   */
  readonly approvedReserveBytes: number;
  /** Whether the channel belongs to an approved consultant; asked only while free space is inside the reserve. */
  readonly isApproved: (channelId: string) => Promise<boolean>;
  readonly logger: Logger;
}

/** Decides, from the free space read in the background (disk-space.ts), whether a channel's webhook may be stored. */
export function diskRoom(o: DiskRoomOptions): { check(channelId: string): Promise<DiskRoom> } {
  const reserveFloor = o.minFreeBytes + o.approvedReserveBytes;
  const disk = diskSpaceWatch(o.dataDir, reserveFloor > 0);
  let last: DiskRoom = 'ok';
  // Logged once per change of zone, not per webhook.
  const note = (zone: DiskRoom, free: number) => {
    if (zone === last) return;
    last = zone;
    const at = { freeBytes: free, dataDir: o.dataDir };
    if (zone === 'low') o.logger.error(at, 'disk space low: refusing webhooks (507) until it is freed');
    else if (zone === 'reserved')
      o.logger.warn(at, 'disk space in the reserve for approved consultants: refusing the others’ webhooks (507)');
    else o.logger.info(at, 'disk space back above the reserve: storing every channel’s webhooks again');
  };
  return {
    async check(channelId) {
      const free = disk.freeBytes();
      if (free === undefined || free >= reserveFloor) {
        if (free !== undefined) note('ok', free);
        return 'ok';
      }
      if (free < o.minFreeBytes) {
        note('low', free);
        return 'low';
      }
      note('reserved', free);
      return (await o.isApproved(channelId)) ? 'ok' : 'reserved';
    },
  };
}
