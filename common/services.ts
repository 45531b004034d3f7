import { z } from 'zod';

/** Where a service takes place (issue 19), as the consultant picks it; mapped to Cal.com event-type locations. */
export const serviceLocationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cal-video') }).strict(),
  z
    .object({
      type: z.literal('phone'),
      phone: z
        .string()
        .trim()
        .min(3)
        .max(40)
        .regex(/^[+\d][\d\s().-]*$/, 'a phone number'),
    })
    .strict(),
  z.object({ type: z.literal('in-person'), address: z.string().trim().min(3).max(500) }).strict(),
  z
    .object({ type: z.literal('link'), link: z.url({ protocol: /^https$/, message: 'must be an https link' }) })
    .strict(),
]);
export type ServiceLocation = z.infer<typeof serviceLocationSchema>;

/** One service as the consultant shapes it; written to its Cal.com event type and shown on the public profile. */
export const serviceDetailsSchema = z
  .object({
    title: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000),
    location: serviceLocationSchema,
    requiresConfirmation: z.boolean(),
  })
  .strict();
export type ServiceDetails = z.infer<typeof serviceDetailsSchema>;

/** Input of `updateService`. */
export const updateServiceSchema = z
  .object({ duration: z.union([z.literal(30), z.literal(60), z.literal(90)]), details: serviceDetailsSchema })
  .strict();

/** The details a service has before the consultant edits it (the original integration document's titles). */
export function defaultServiceDetails(duration: 30 | 60 | 90): ServiceDetails {
  return {
    title: `${duration} Min Consultation`,
    description: `${duration}-minute consultation session`,
    location: { type: 'cal-video' },
    requiresConfirmation: false,
  };
}

/**
 * The event-type fields of API v2 (2024-06-14) for these details: `locations` objects and `confirmationPolicy`
 * (calcom-contract.md §2.3; `{type:"integration", integration:"cal-video"}`, `address`, `link`, `phone`).
 */
export function eventTypeFieldsOf(d: ServiceDetails): {
  title: string;
  description: string;
  locations: Record<string, unknown>[];
  confirmationPolicy: Record<string, unknown>;
} {
  const location = ((): Record<string, unknown> => {
    switch (d.location.type) {
      case 'cal-video':
        return { type: 'integration', integration: 'cal-video' };
      case 'phone':
        return { type: 'phone', phone: d.location.phone, public: true };
      case 'in-person':
        return { type: 'address', address: d.location.address, public: true };
      case 'link':
        return { type: 'link', link: d.location.link, public: true };
    }
  })();
  return {
    title: d.title,
    description: d.description,
    locations: [location],
    confirmationPolicy: d.requiresConfirmation
      ? { type: 'always', blockUnconfirmedBookingsInBooker: true }
      : { disabled: true },
  };
}

/** A short human line for a location ("Cal Video", "Phone +1 …", the address, the link). */
export function describeServiceLocation(l: ServiceLocation): string {
  switch (l.type) {
    case 'cal-video':
      return 'Cal Video';
    case 'phone':
      return `Phone ${l.phone}`;
    case 'in-person':
      return `In person: ${l.address}`;
    case 'link':
      return `Online: ${l.link}`;
  }
}
