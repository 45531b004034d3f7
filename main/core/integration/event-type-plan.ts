import type { EventTypeLink, ServiceDuration } from '../../../common/app-state';
import { serviceDurations } from '../../../common/app-state';
import type { CalcomEventType } from '../../../common/calcom';
import { trimSlash } from '../oauth/authorize-url';

/** The consultant's services as Cal.com event types (titles and slugs of the original integration document). */
export const serviceEventTypes: Readonly<
  Record<ServiceDuration, { readonly title: string; readonly slug: string; readonly description: string }>
> = {
  30: { title: '30 Min Consultation', slug: 'consultation-30min', description: '30-minute consultation session' },
  60: { title: '60 Min Consultation', slug: 'consultation-60min', description: '60-minute consultation session' },
  90: { title: '90 Min Consultation', slug: 'consultation-90min', description: '90-minute consultation session' },
};

export type EnabledServices = Readonly<Record<ServiceDuration, boolean>>;

/** One step towards the wanted event types; `keep` means the existing one is already right. */
export type EventTypeAction =
  | {
      readonly kind: 'create';
      readonly duration: ServiceDuration;
      readonly title: string;
      readonly slug: string;
      readonly description: string;
    }
  | {
      readonly kind: 'update';
      readonly duration: ServiceDuration;
      readonly existing: CalcomEventType;
      readonly hidden: boolean;
    }
  | { readonly kind: 'keep'; readonly duration: ServiceDuration; readonly existing: CalcomEventType };

/**
 * Decides what to do per service: reuse an existing event type by slug (so a resumed or repeated connect never
 * duplicates), create the missing enabled ones, hide the disabled ones. A disabled service with no event type stays absent.
 */
export function planEventTypes(services: EnabledServices, existing: readonly CalcomEventType[]): EventTypeAction[] {
  const actions: EventTypeAction[] = [];
  for (const duration of serviceDurations) {
    const def = serviceEventTypes[duration];
    const found = existing.find((e) => e.slug === def.slug);
    const enabled = services[duration];
    if (!found) {
      if (enabled) actions.push({ kind: 'create', duration, ...def });
    } else if (found.hidden === !enabled) {
      actions.push({ kind: 'keep', duration, existing: found });
    } else {
      actions.push({ kind: 'update', duration, existing: found, hidden: !enabled });
    }
  }
  return actions;
}

/** True when at least one service is offered. */
export function anyServiceEnabled(services: EnabledServices): boolean {
  return serviceDurations.some((d) => services[d]);
}

/**
 * The stored link for an event type: Cal.com's own `bookingUrl` when it sends one (right for organization members,
 * whose pages live on the organization's domain; issue 22), else `${calcomAppUrl}/${username}/${slug}`.
 */
export function toEventTypeLink(
  calcomAppUrl: string,
  username: string,
  duration: ServiceDuration,
  et: CalcomEventType,
): EventTypeLink {
  const own = et.bookingUrl && /^https?:\/\//i.test(et.bookingUrl) ? et.bookingUrl : undefined;
  return {
    duration,
    id: et.id,
    slug: et.slug,
    title: et.title,
    hidden: et.hidden,
    link: own ?? `${trimSlash(calcomAppUrl)}/${username}/${et.slug}`,
  };
}
