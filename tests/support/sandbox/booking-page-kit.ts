import type { Sandbox } from '../../../server/calcom-sandbox/index';
import { api, connect, Receiver, startSandbox } from './sandbox-test-kit';

/** Test support for the sandbox's public booking page: dana-reyes's 60-minute event type, and its HTML read back. */

/** A sandbox where dana-reyes offers `consultation-60` and every booking webhook goes to `receiver`. */
export async function startBookingPageSandbox(): Promise<{
  sandbox: Sandbox;
  url: string;
  token: string;
  receiver: Receiver;
}> {
  const { sandbox, url } = await startSandbox();
  const receiver = await Receiver.start();
  const token = (await connect(url)).access_token;
  await api(url, token, 'POST', '/v2/event-types', {
    title: '60 Min Consultation',
    slug: 'consultation-60',
    lengthInMinutes: 60,
  });
  await api(url, token, 'POST', '/v2/webhooks', {
    subscriberUrl: `${receiver.url}/hook`,
    triggers: ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED'],
    active: true,
    secret: 'x',
  });
  return { sandbox, url, token, receiver };
}

/** A page's answer, redirects not followed. */
export interface PageReply {
  readonly status: number;
  readonly location: string | null;
  readonly text: string;
}

async function reply(res: Response): Promise<PageReply> {
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/** GET of a page of the sandbox at `url`. */
export async function getPage(url: string, path: string): Promise<PageReply> {
  return reply(await fetch(`${url}${path}`, { redirect: 'manual' }));
}

/** A form POSTed to the sandbox at `url`, as the browser sends it. */
export async function postForm(url: string, path: string, form: Record<string, string>): Promise<PageReply> {
  return reply(await fetch(`${url}${path}`, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' }));
}

/** Undoes the page's attribute escaping. */
export const unescapeHtml = (s: string): string =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** The slot links of a `consultation-60` slot page (absolute paths), in page order. */
export const slotLinks = (html: string): string[] =>
  [...html.matchAll(/href="(\/dana-reyes\/consultation-60\/book\?[^"]+)"/g)].map((m) => unescapeHtml(m[1]!));

/** The hidden inputs of a page's forms, by name. */
export const hiddenFields = (html: string): Record<string, string> =>
  Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      unescapeHtml(m[1]!),
      unescapeHtml(m[2]!),
    ]),
  );
