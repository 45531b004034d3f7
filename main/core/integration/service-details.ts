import type { EventTypeLink, ServiceDuration } from '../../../common/app-state';
import type { ServiceDetails } from '../../../common/services';
import { eventTypeFieldsOf } from '../../../common/services';
import type { CalcomClient } from '../calcom/calcom-client';
import { toEventTypeLink } from './event-type-plan';
import type { Settings } from '../../../common/settings';
import type { SettingsStore } from '../ports';
import type { IntegrationRecord } from './integration-records';

/** The consultant's edited services, by duration (settings.serviceDetails). */
export type ServiceDetailsMap = Partial<Readonly<Record<ServiceDuration, ServiceDetails>>>;

/**
 * Writes one service's details to its Cal.com event type (PATCH /v2/event-types/{id}) and returns the event-type links
 * with that one refreshed. A service without an event type yet (never enabled) gets them when it is created.
 */
export async function writeServiceDetails(
  calcom: Pick<CalcomClient, 'updateEventType'>,
  links: readonly EventTypeLink[],
  duration: ServiceDuration,
  details: ServiceDetails,
  calcomAppUrl: string,
  username: string,
): Promise<EventTypeLink[]> {
  const link = links.find((l) => l.duration === duration);
  if (!link) return [...links];
  const updated = await calcom.updateEventType(link.id, eventTypeFieldsOf(details));
  return links.map((l) => (l.duration === duration ? toEventTypeLink(calcomAppUrl, username, duration, updated) : l));
}

/**
 * `updateService`: Cal.com first (when connected), then the settings; when Cal.com refuses, nothing is saved here
 * either. Returns the new settings; the caller republishes the profile.
 */
export async function saveServiceDetails(
  deps: {
    readonly calcom: Pick<CalcomClient, 'updateEventType'>;
    readonly settings: SettingsStore;
    readonly integration: () => IntegrationRecord | undefined;
    readonly updateIntegration: (patch: Partial<IntegrationRecord>) => void;
    readonly calcomAppUrl: string;
  },
  duration: ServiceDuration,
  details: ServiceDetails,
): Promise<Settings> {
  const current = deps.integration();
  if (current?.isConnected && !current.reconnectNeeded) {
    deps.updateIntegration({
      eventTypes: await writeServiceDetails(
        deps.calcom,
        current.eventTypes,
        duration,
        details,
        deps.calcomAppUrl,
        current.username,
      ),
    });
  }
  const s = deps.settings.read();
  const next = { ...s, serviceDetails: { ...(s.serviceDetails ?? {}), [duration]: details } };
  deps.settings.write(next);
  return next;
}
