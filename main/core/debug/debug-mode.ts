import type { DebugState } from '../../../common/diagnostics';
import type { Settings } from '../../../common/settings';
import type { SyncBookingStore } from '../bookings/booking-store';
import { redactWebhookBody } from './redact-webhook';

/** Debug mode lasts one day from when it was switched on, then turns itself off (issue 19). */
export const DEBUG_DAY_MS = 86_400_000;
const KEPT_BODIES = 20;

export interface CapturedWebhook {
  readonly at: string;
  readonly trigger: string | null;
  /** Redacted JSON (redact-webhook.ts): never the raw body. */
  readonly body: string;
}

/**
 * Debug mode: on from the Settings toggle (until `debugUntil`) or for the whole run with LIFESCORE_DEBUG=1. While on,
 * the core logs verbosely and keeps the last webhook bodies it received, redacted, for Diagnostics.
 */
export function createDebugMode(opts: {
  readonly env: boolean;
  readonly until: () => string | undefined;
  readonly now: () => number;
}) {
  const bodies: CapturedWebhook[] = [];
  const state = (): DebugState => {
    if (opts.env) return { active: true, source: 'env' };
    const until = opts.until();
    return until && Date.parse(until) > opts.now() ? { active: true, source: 'setting', until } : { active: false };
  };
  return {
    state,
    active: () => state().active,
    /** Keeps a received body (redacted at once) while debug mode is on; forgets them all when it is off. */
    capture(raw: Buffer, trigger: string | null) {
      if (!state().active) {
        bodies.length = 0;
        return;
      }
      bodies.unshift({ at: new Date(opts.now()).toISOString(), trigger, body: redactWebhookBody(raw) });
      bodies.length = Math.min(bodies.length, KEPT_BODIES);
    },
    bodies: (): readonly CapturedWebhook[] => (state().active ? [...bodies] : []),
  };
}
export type DebugMode = ReturnType<typeof createDebugMode>;

/** Settings with debug mode switched on (for one day from `now`) or off. */
export function withDebug(settings: Settings, on: boolean, now: number): Settings {
  const { debugUntil: _old, ...rest } = settings;
  void _old;
  return on ? { ...rest, debugUntil: new Date(now + DEBUG_DAY_MS).toISOString() } : rest;
}

/** The store, with every relay event shown to `seen` first (debug mode's view of received webhooks; closures, no `this`). */
export function tapRelayEvents(
  store: SyncBookingStore,
  seen: (body: Buffer, trigger: string | null, seq: number, kind: string) => void,
): SyncBookingStore {
  return {
    ...store,
    recordRelayEvent: (input) => {
      seen(
        input.body,
        input.kind === 'apply' ? input.envelope.triggerEvent : (input.trigger ?? null),
        input.seq,
        input.kind,
      );
      return store.recordRelayEvent(input);
    },
  };
}
