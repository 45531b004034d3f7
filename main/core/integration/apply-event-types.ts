import type { EventTypeLink } from '../../../common/app-state';
import { assertNever } from '../../../common/errors';
import type { CalcomClient } from '../calcom/calcom-client';
import type { EnabledServices } from './event-type-plan';
import { planEventTypes, toEventTypeLink } from './event-type-plan';
import type { ServiceDetailsMap } from './service-details';
import type { ServiceDetails } from '../../../common/services';
import { eventTypeFieldsOf } from '../../../common/services';

/** Lists the consultant's event types, applies planEventTypes, and returns the resulting links (30/60/90 order). */
export async function applyEventTypePlan(
  calcom: CalcomClient,
  calcomAppUrl: string,
  username: string,
  services: EnabledServices,
  details: ServiceDetailsMap = {},
): Promise<EventTypeLink[]> {
  const existing = await calcom.listEventTypes();
  const links: EventTypeLink[] = [];
  for (const action of planEventTypes(services, existing)) {
    switch (action.kind) {
      case 'keep':
        links.push(toEventTypeLink(calcomAppUrl, username, action.duration, action.existing));
        break;
      case 'update': {
        const updated = await calcom.updateEventType(action.existing.id, { hidden: action.hidden });
        links.push(toEventTypeLink(calcomAppUrl, username, action.duration, updated));
        break;
      }
      case 'create': {
        const created = await calcom.createEventType({
          title: action.title,
          slug: action.slug,
          lengthInMinutes: action.duration,
          description: action.description,
          hidden: false,
          // The consultant's own title, description, location and confirmation, when set (issue 19).
          ...(details[action.duration] ? eventTypeFieldsOf(details[action.duration] as ServiceDetails) : {}),
        });
        links.push(toEventTypeLink(calcomAppUrl, username, action.duration, created));
        break;
      }
      default:
        assertNever(action);
    }
  }
  return links;
}
