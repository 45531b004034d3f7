import type { ApiHandlers } from '../../../common/api';
import type { AppState } from '../../../common/app-state';
import type { CalcomClient } from '../calcom/calcom-client';
import { withDebug } from '../debug/debug-mode';
import { applyEventTypePlan } from '../integration/apply-event-types';
import { patchIntegration, readIntegration } from '../integration/integration-records';
import { saveServiceDetails } from '../integration/service-details';
import type { Clock, Logger, SettingsStore } from '../ports';
import { mergeSettings } from './merge-settings';

export type SettingsHandlers = Pick<ApiHandlers, 'setServices' | 'updateService' | 'getSettings' | 'updateSettings'>;

export interface SettingsHandlersDeps {
  readonly settings: SettingsStore;
  readonly calcom: CalcomClient;
  readonly calcomAppUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Who sends client emails (integration/email-source.ts). */
  readonly settleEmailSource: (wanted: 'lifescore' | 'calcom') => Promise<void>;
  /** Republishes the public profile (best effort). */
  readonly publish: () => Promise<void>;
  readonly pushState: () => void;
  readonly state: () => AppState;
}

/**
 * Services and settings: a change Cal.com must know about (event types, their details, its emails) goes there
 * first, then into the settings, then into the public profile.
 */
export function createSettingsHandlers(deps: SettingsHandlersDeps): SettingsHandlers {
  const { settings, calcom, calcomAppUrl } = deps;
  const integration = () => readIntegration(settings);
  const updateIntegration = (patch: Parameters<typeof patchIntegration>[1]) => patchIntegration(settings, patch);
  return {
    async setServices(services) {
      const current = integration();
      if (current?.isConnected && !current.reconnectNeeded) {
        const known = new Set(current.eventTypes.map((e) => e.id));
        const details = settings.read().serviceDetails ?? {};
        const eventTypes = await applyEventTypePlan(calcom, calcomAppUrl, current.username, services, details);
        updateIntegration({ eventTypes });
        // Only a newly created event type needs Cal.com's emails turned off (the others were at connect).
        const added = eventTypes.some((e) => !known.has(e.id));
        if (settings.read().relayEmails && added) await deps.settleEmailSource('lifescore');
      }
      settings.write({ ...settings.read(), services: { ...services } });
      await deps.publish();
      deps.pushState();
      return deps.state();
    },
    async updateService({ duration, details }) {
      const serviceDeps = { calcom, settings, integration, updateIntegration, calcomAppUrl };
      const next = await saveServiceDetails(serviceDeps, duration, details);
      await deps.publish();
      deps.pushState();
      return next;
    },
    getSettings: async () => settings.read(),
    async updateSettings(patch) {
      const before = settings.read();
      const { debug: debugOn, ...rest } = patch;
      const merged = mergeSettings(before, rest);
      settings.write(debugOn === undefined ? merged : withDebug(merged, debugOn, deps.clock.now()));
      if (debugOn !== undefined) deps.logger.info(debugOn ? 'debug mode on for one day' : 'debug mode off', {});
      if (patch.relayEmails !== undefined && patch.relayEmails !== before.relayEmails) {
        await deps.settleEmailSource(patch.relayEmails ? 'lifescore' : 'calcom');
      }
      if (patch.profile || patch.relayEmails !== undefined) {
        await deps.publish();
        deps.pushState();
      }
      return settings.read();
    },
  };
}
