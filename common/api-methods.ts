/**
 * The desktop API's method names and IPC channels, without its schemas. The preload needs only these: importing
 * common/api.ts there would bundle zod into every window's preload. common/api.ts checks at compile time that
 * this list and its contract name the same methods.
 */
export const apiMethodNames = [
  'getState',
  'connect',
  'cancelConnect',
  'disconnect',
  'setServices',
  'updateService',
  'listBookings',
  'countBookings',
  'getBooking',
  'markNoShow',
  'bookingAction',
  'syncNow',
  'getSettings',
  'refreshChannelStatus',
  'updateSettings',
  'openExternal',
  'getDiagnostics',
  'listAudit',
  'exportAuditCsv',
  'openDataFolder',
  'getSetupStatus',
  'rendererReady',
] as const;

export type ApiMethodName = (typeof apiMethodNames)[number];

export const API_CHANNEL_PREFIX = 'lifescore:';
/** The one push channel (main → renderer). */
export const API_EVENT_CHANNEL = 'lifescore:event';

export function apiChannel(method: ApiMethodName): string {
  return `${API_CHANNEL_PREFIX}${method}`;
}
