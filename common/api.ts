import { z } from 'zod';
import type { AppState } from './app-state';
import type { Booking, BookingCounts, BookingPage } from './booking';
import { apiMethodNames, type ApiMethodName } from './api-methods';
import type { Diagnostics } from './diagnostics';
import { bookingQuerySchema } from './booking';
import { bookingActionSchema } from './booking-actions';
import type { AuditEntry } from './audit';
import { auditQuerySchema } from './audit';
import { updateServiceSchema } from './services';
import type { ApiResponse } from './errors';
import type { Settings } from './settings';
import type { SetupStatus } from './setup-status';
import { settingsPatchSchema } from './settings';

/** Declares an output type without a runtime value (the map below is used for inputs at runtime). */
function returns<T>(): T {
  return undefined as T;
}

const none = z.object({}).strict();
const uid = z.object({ uid: z.string().min(1).max(200) }).strict();

/**
 * THE desktop API: one entry per method, used by main (validation + dispatch), preload (one exposed
 * function per method) and renderer (types). The IPC channel of a method is `lifescore:<method>`.
 */
export const apiContract = {
  getState: { input: none, output: returns<AppState>() },
  /** `switchAccount`: connect again while connected (another Cal.com account); the old connection is removed first. */
  connect: {
    input: z.object({ switchAccount: z.boolean().optional() }).strict(),
    output: returns<{ authorizeUrl: string }>(),
  },
  cancelConnect: { input: none, output: returns<null>() },
  disconnect: { input: z.object({ hideEventTypes: z.boolean().default(true) }).strict(), output: returns<null>() },
  setServices: {
    input: z.object({ 30: z.boolean(), 60: z.boolean(), 90: z.boolean() }).strict(),
    output: returns<AppState>(),
  },
  /** Saves one service's details and writes them to its Cal.com event type (PATCH) when connected (issue 19). */
  updateService: { input: updateServiceSchema, output: returns<Settings>() },
  listBookings: { input: bookingQuerySchema, output: returns<BookingPage>() },
  countBookings: { input: none, output: returns<BookingCounts>() },
  getBooking: { input: uid, output: returns<Booking | null>() },
  /** Marks (or unmarks) the attendee as a no-show on Cal.com (mark-absent), then locally from Cal.com's answer. */
  markNoShow: { input: uid.extend({ noShow: z.boolean() }).strict(), output: returns<Booking>() },
  /** Accept / decline / cancel / request reschedule / no-show through Cal.com (issue 19); the booking as Cal.com answered. */
  bookingAction: { input: bookingActionSchema, output: returns<Booking>() },
  syncNow: { input: none, output: returns<null>() },
  getSettings: { input: none, output: returns<Settings>() },
  /** Asks the relay for the channel's status now (approval, profile, other computer); the app also polls it. */
  refreshChannelStatus: { input: none, output: returns<AppState>() },
  updateSettings: { input: settingsPatchSchema, output: returns<Settings>() },
  openExternal: { input: z.object({ url: z.url() }).strict(), output: returns<null>() },
  getDiagnostics: { input: none, output: returns<Diagnostics>() },
  /** The audit log of Cal.com calls (issue 19), newest first, filtered. */
  listAudit: { input: auditQuerySchema, output: returns<readonly AuditEntry[]>() },
  /** The same, as CSV text (the renderer saves it as a file). */
  exportAuditCsv: { input: auditQuerySchema, output: returns<{ csv: string }>() },
  /** Shows the data folder in the OS file manager (desktop app only). */
  openDataFolder: { input: none, output: returns<null>() },
  /** Whether this build has its Cal.com and relay configuration; if not, the renderer shows the setup screen. */
  getSetupStatus: { input: none, output: returns<SetupStatus>() },
  /**
   * The renderer subscribed to push events: main may now deliver queued deep links (a link delivered earlier
   * becomes an event nobody hears). Called again after every reload.
   */
  rendererReady: { input: none, output: returns<null>() },
} as const;

export type ApiContract = typeof apiContract;
export type ApiMethod = keyof ApiContract;
export type ApiInput<M extends ApiMethod> = z.input<ApiContract[M]['input']>;
export type ApiParsedInput<M extends ApiMethod> = z.output<ApiContract[M]['input']>;
export type ApiOutput<M extends ApiMethod> = ApiContract[M]['output'];

export const apiMethods = Object.keys(apiContract) as ApiMethod[];
export { API_CHANNEL_PREFIX, API_EVENT_CHANNEL, apiChannel } from './api-methods';

// api-methods.ts (what the preload imports) must name exactly the methods of the contract: each list fits the other.
const _namesAreMethods: readonly ApiMethod[] = apiMethodNames;
const _methodsAreNames: readonly ApiMethodName[] = apiMethods;
void _namesAreMethods;
void _methodsAreNames;

/** Implemented by main/core; called by the IPC wrapper and the browser host after validation. */
export type ApiHandlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> };

/** Push events from main to the renderer. */
export type PushEvent =
  | { readonly type: 'state'; readonly state: AppState }
  | {
      readonly type: 'bookings-changed';
      readonly uids: readonly string[];
      readonly reason: 'created' | 'rescheduled' | 'cancelled' | 'updated';
    }
  | { readonly type: 'open-booking'; readonly uid: string }
  | { readonly type: 'toast'; readonly level: 'info' | 'error'; readonly message: string };

/** `window.lifescore` as the preload (Electron) or the host bridge (browser) exposes it. */
export type LifescoreBridge = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiResponse<ApiOutput<M>>> } & {
  onEvent(listener: (event: PushEvent) => void): () => void;
};
