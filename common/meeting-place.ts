import { parseUrl } from './whatwg-url';

/**
 * A booking's meeting link and place, decided once (issue 20) for the app's stored booking (main/core), its
 * booking detail (renderer) and the relay's emails, so all three name the same link and the same place. The
 * richest of the three former rules won: the renderer's names for Cal.com's apps, the relay's normalized links.
 */

/** Cal.com's app locations (`integrations:<app>`) in the words its own UI uses. */
const integrationNames: Readonly<Record<string, string>> = {
  daily: 'Cal Video',
  'daily-video': 'Cal Video',
  zoom: 'Zoom',
  'google:meet': 'Google Meet',
  google_meet: 'Google Meet',
  office365_video: 'Microsoft Teams',
  msteams: 'Microsoft Teams',
  whereby_video: 'Whereby',
  jitsi: 'Jitsi Meet',
  webex: 'Webex',
  around_video: 'Around',
  riverside_video: 'Riverside',
  tandem: 'Tandem',
  huddle01: 'Huddle01',
  'facetime-video': 'FaceTime',
  skype: 'Skype',
  whatsapp_video: 'WhatsApp',
  signal_video: 'Signal',
  telegram_video: 'Telegram',
  discord_video: 'Discord',
};

/**
 * An http(s) URL in its WHATWG-serialized form (the one form stored, mailed and compared), or null. Serializing
 * percent-encodes what a mail client or the browser would choke on and makes "the same link" a string compare.
 */
function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const url = parseUrl(value.trim());
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url.href : null;
}

/**
 * `metadata.videoCallUrl` when Cal.com wrote it: the video call's own URL, or Cal.com's video page for this booking
 * (`…/video/<uid>`, Cal Video's public link). Cal.com builds a webhook's metadata as `{ ...its own, ...the booker's }`,
 * and anyone who books may send metadata (the booking page's `metadata[…]` query, `POST /v2/bookings`), so a
 * `videoCallUrl` of the booker's choosing would otherwise become the Join button and the emails' link (security review
 * 42). The uid is made by Cal.com as it books, so nobody can name this booking's video page in advance.
 */
function calcomVideoCallUrl(
  metadata: Readonly<Record<string, unknown>> | null | undefined,
  videoCallUrl: string | null,
  uid: string | null | undefined,
): string | null {
  const advised = httpUrl(metadata?.videoCallUrl);
  if (advised === null) return null;
  if (advised === videoCallUrl) return advised;
  const path = parseUrl(advised)?.pathname;
  return uid && path === `/video/${encodeURIComponent(uid)}` ? advised : null;
}

/**
 * Whether the booker typed the location: an event type may let them ("In person (attendee address)", "Custom attendee
 * location"), and then Cal.com's location is their text, with what they typed in the booking form's location answer
 * (`optionValue`; a webhook's `responses.location.value`, a v2 booking's `bookingFieldsResponses.location`). The
 * consultant's own locations (a link, an app) have none.
 */
export function locationTypedByBooker(responses: unknown): boolean {
  if (typeof responses !== 'object' || responses === null) return false;
  const answer = (responses as { location?: unknown }).location;
  if (typeof answer !== 'object' || answer === null) return false;
  const inner = (answer as { value?: unknown }).value;
  const chosen = typeof inner === 'object' && inner !== null ? inner : answer;
  const typed = (chosen as { optionValue?: unknown }).optionValue;
  return typeof typed === 'string' && typed.trim() !== '';
}

/** What Cal.com says of a booking's meeting: the fields the join link and the place are picked from. */
export interface MeetingFields {
  readonly metadata: Readonly<Record<string, unknown>> | null | undefined;
  /** `videoCallData.url` in a webhook, `meetingUrl` in a v2 booking. */
  readonly videoCallUrl: string | null | undefined;
  readonly location: string | null | undefined;
  /** The booking's uid. */
  readonly uid: string | null | undefined;
  /** The booking form's answers (webhook `responses`, v2 `bookingFieldsResponses`). */
  readonly responses?: unknown;
}

/**
 * The join link: `metadata.videoCallUrl` (Cal.com's advice) when Cal.com wrote it (calcomVideoCallUrl), then the video
 * call's own URL, then a location that is itself a link unless the booker typed it (a booker's link would become the
 * Join button and the emails' link; security review 42); null when none is an http(s) URL.
 */
export function pickMeetingUrl(m: MeetingFields): string | null {
  const own = httpUrl(m.videoCallUrl);
  const located = locationTypedByBooker(m.responses) ? null : httpUrl(m.location);
  return calcomVideoCallUrl(m.metadata, own, m.uid) ?? own ?? located;
}

/**
 * The place of a booking as a person would say it: `integrations:daily` → "Cal Video", unknown apps title-cased
 * ("integrations:sirius_video" → "Sirius Video"), anything else (an address, a phone number) unchanged.
 */
export function describeLocation(location: string): string {
  const match = /^integrations:(.+)$/i.exec(location.trim());
  if (!match?.[1]) return location;
  const app = match[1].toLowerCase();
  const known = integrationNames[app];
  if (known) return known;
  return app
    .split(/[:_\-\s]+/)
    .filter((word) => word && word !== 'video')
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(' ')
    .concat(app.endsWith('video') ? ' Video' : '')
    .trim();
}

/**
 * What to name as the place besides the join link: null when there is no location, or when the location is the
 * link itself (the link already says where); otherwise `describeLocation` of it.
 */
export function meetingPlace(
  location: string | null | undefined,
  meetingUrl: string | null | undefined,
): string | null {
  const value = location?.trim();
  if (!value) return null;
  const asLink = httpUrl(value);
  if (asLink !== null && asLink === httpUrl(meetingUrl)) return null;
  return describeLocation(value);
}

/** A booking's join link and place together, from the fields Cal.com sends. */
export interface MeetingLinkAndPlace {
  readonly meetingUrl: string | null;
  readonly place: string | null;
}

/** The link (`pickMeetingUrl`) and the place beside it (`meetingPlace`), as the app stores and the emails say them. */
export function meetingLinkAndPlace(m: MeetingFields): MeetingLinkAndPlace {
  const meetingUrl = pickMeetingUrl(m);
  return { meetingUrl, place: meetingPlace(m.location, meetingUrl) };
}
