import { z } from 'zod';
import type { CalcomEventType, CalcomMe, CalcomWebhook } from '../../../common/calcom';
import {
  apiVersions,
  createEventTypeSchema,
  createWebhookSchema,
  eventTypeSchema,
  meSchema,
  v2BookingPageSchema,
  v2Envelope,
  webhookSchema,
} from '../../../common/calcom';
import type { BookingPageQuery, BookingsSource, RawBookingPage } from '../sync/sync-types';
import type { CalcomHttp } from './calcom-http';
import { CalcomApiError } from './calcom-http';

export type CreateEventTypeInput = z.input<typeof createEventTypeSchema>;
export type UpdateEventTypeInput = Partial<CreateEventTypeInput>;
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;
export type UpdateWebhookInput = Partial<CreateWebhookInput>;

/** The Cal.com v2 calls the app makes (calcom-contract.md §2). */
export interface CalcomClient extends BookingsSource {
  me(): Promise<CalcomMe>;
  listEventTypes(): Promise<CalcomEventType[]>;
  createEventType(input: CreateEventTypeInput): Promise<CalcomEventType>;
  updateEventType(id: number, patch: UpdateEventTypeInput): Promise<CalcomEventType>;
  listWebhooks(): Promise<CalcomWebhook[]>;
  createWebhook(input: CreateWebhookInput): Promise<CalcomWebhook>;
  updateWebhook(id: string, patch: UpdateWebhookInput): Promise<CalcomWebhook>;
  /** Resolves false when the webhook was already gone. */
  deleteWebhook(id: string): Promise<boolean>;
}

const WEBHOOK_PAGE = 250;

/** Creates the client over a request function (calcom-http.ts). */
export function createCalcomClient(http: CalcomHttp): CalcomClient {
  const et = { version: apiVersions.eventTypes };
  return {
    me: () => http({ method: 'GET', path: '/v2/me', schema: v2Envelope(meSchema) }).then((r) => r.data),
    listEventTypes: () =>
      http({ method: 'GET', path: '/v2/event-types', ...et, schema: v2Envelope(z.array(eventTypeSchema)) }).then(
        (r) => r.data,
      ),
    createEventType: (input) =>
      http({
        method: 'POST',
        path: '/v2/event-types',
        ...et,
        body: createEventTypeSchema.parse(input),
        schema: v2Envelope(eventTypeSchema),
      }).then((r) => r.data),
    updateEventType: (id, patch) =>
      http({
        method: 'PATCH',
        path: `/v2/event-types/${id}`,
        ...et,
        body: createEventTypeSchema.partial().parse(patch),
        schema: v2Envelope(eventTypeSchema),
      }).then((r) => r.data),
    async listWebhooks() {
      const all: CalcomWebhook[] = [];
      for (let skip = 0; ; skip += WEBHOOK_PAGE) {
        const page = await http({
          method: 'GET',
          path: '/v2/webhooks',
          query: { take: WEBHOOK_PAGE, skip },
          schema: v2Envelope(z.array(webhookSchema)),
        });
        all.push(...page.data);
        if (page.data.length < WEBHOOK_PAGE) return all;
      }
    },
    createWebhook: (input) =>
      http({
        method: 'POST',
        path: '/v2/webhooks',
        body: createWebhookSchema.parse(input),
        schema: v2Envelope(webhookSchema),
      }).then((r) => r.data),
    updateWebhook: (id, patch) =>
      http({
        method: 'PATCH',
        path: `/v2/webhooks/${encodeURIComponent(id)}`,
        body: createWebhookSchema.partial().parse(patch),
        schema: v2Envelope(webhookSchema),
      }).then((r) => r.data),
    async deleteWebhook(id) {
      try {
        await http({ method: 'DELETE', path: `/v2/webhooks/${encodeURIComponent(id)}`, schema: z.unknown() });
        return true;
      } catch (err) {
        if (err instanceof CalcomApiError && err.status === 404) return false;
        throw err;
      }
    },
    async readBookingsPage(q: BookingPageQuery): Promise<RawBookingPage> {
      const byUpdated = q.field === 'updatedAt';
      const page = await http({
        method: 'GET',
        path: '/v2/bookings',
        version: apiVersions.bookings,
        query: {
          ...(byUpdated
            ? { afterUpdatedAt: q.after, beforeUpdatedAt: q.before, sortUpdatedAt: 'asc' }
            : { afterCreatedAt: q.after, beforeCreatedAt: q.before, sortCreated: 'asc' }),
          take: q.take,
          skip: q.skip,
        },
        // Each booking stays unparsed here: one the app cannot read must not fail the page (booking-reader.ts).
        schema: v2BookingPageSchema,
      });
      return { items: page.data, hasNextPage: page.pagination.hasNextPage, totalItems: page.pagination.totalItems };
    },
  };
}
