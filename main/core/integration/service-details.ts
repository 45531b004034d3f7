import type { EventTypeLink, ServiceDuration } from '../../../common/app-state';
import type { ServiceDetails } from '../../../common/services';
import { eventTypeFieldsOf } from '../../../common/services';
import type { CalcomClient } from '../calcom/calcom-client';
import { toEventTypeLink } from './event-type-plan';

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
