import { describe, expect, it } from 'vitest';
import { meetingLinkAndPlace } from './meeting-place';

type Metadata = Readonly<Record<string, unknown>> | null | undefined;

/**
 * The one table for a booking's meeting link and place (issue 20): the rows of the app's former `pickMeetingUrl`
 * table, the renderer's `describeLocation` table and the relay's location labels, as the three now agree.
 * Columns: metadata, the video call's URL (webhook `videoCallData.url` / v2 `meetingUrl`), location → link, place;
 * the booking's uid is u1.
 */
const cases: readonly (readonly [
  name: string,
  Metadata,
  string | null | undefined,
  string | null | undefined,
  string | null,
  string | null,
])[] = [
  // The link: metadata.videoCallUrl first when Cal.com wrote it, then the video call's URL, then a location link.
  [
    "videoCallUrl wins as Cal.com's video page for this booking",
    { videoCallUrl: 'https://app.cal.com/video/u1' },
    'https://meetco.daily.co/Xk2',
    'integrations:daily',
    'https://app.cal.com/video/u1',
    'Cal Video',
  ],
  [
    "and as the video call's own URL",
    { videoCallUrl: 'https://meet.google.com/abc-defg-hij' },
    'https://meet.google.com/abc-defg-hij',
    'integrations:google:meet',
    'https://meet.google.com/abc-defg-hij',
    'Google Meet',
  ],
  // Booker metadata is merged over Cal.com's (security review 42): a videoCallUrl Cal.com did not write is no link.
  [
    "a booker's videoCallUrl loses to the video call's URL",
    { videoCallUrl: 'https://evil.example/cal-video-login' },
    'https://meetco.daily.co/Xk2',
    'integrations:daily',
    'https://meetco.daily.co/Xk2',
    'Cal Video',
  ],
  [
    "a booker's videoCallUrl naming another booking's video page loses too",
    { videoCallUrl: 'https://evil.example/video/u2' },
    null,
    'integrations:daily',
    null,
    'Cal Video',
  ],
  [
    "a booker's videoCallUrl with the page's path in its query loses",
    { videoCallUrl: 'https://evil.example/x?/video/u1' },
    null,
    'https://meet.example/x',
    'https://meet.example/x',
    null,
  ],
  [
    'then the video call URL',
    {},
    'https://b.example/v',
    'https://c.example/v',
    'https://b.example/v',
    'https://c.example/v',
  ],
  [
    'then a location that is a link (named once, as the link)',
    null,
    undefined,
    'https://meet.example/x',
    'https://meet.example/x',
    null,
  ],
  ['a non-string videoCallUrl is no link', { videoCallUrl: 42 }, null, 'integrations:daily', null, 'Cal Video'],
  ['nothing that is a link', undefined, 'not a url', 'Office 12', null, 'Office 12'],
  // Links are stored and mailed in WHATWG-serialized form (the relay's rule; the app kept the raw string before).
  ['a bare host gets its slash', null, 'https://a', null, 'https://a/', null],
  [
    'host lower-cased, space trimmed',
    { videoCallUrl: ' https://Meet.Example/video/u1 ' },
    null,
    null,
    'https://meet.example/video/u1',
    null,
  ],
  [
    'http links count (the sandbox video page)',
    null,
    'http://127.0.0.1:5555/video/u1',
    'integrations:daily',
    'http://127.0.0.1:5555/video/u1',
    'Cal Video',
  ],
  [
    'another scheme is no link',
    { videoCallUrl: 'javascript:alert(1)' },
    'ftp://x.example/',
    'file:///etc/passwd',
    null,
    'file:///etc/passwd',
  ],
  [
    'the location equals the link but for serialization',
    null,
    'https://x.daily.co/',
    'https://X.daily.co',
    'https://x.daily.co/',
    null,
  ],
  // The place: Cal.com's app names (its own UI's words), unknown apps title-cased, anything else as written.
  [
    'Cal Video',
    null,
    'https://app.cal.com/video/u1',
    'integrations:daily',
    'https://app.cal.com/video/u1',
    'Cal Video',
  ],
  ['Zoom', null, null, 'integrations:zoom', null, 'Zoom'],
  ['Google Meet', null, null, 'integrations:google:meet', null, 'Google Meet'],
  ['Microsoft Teams', null, null, 'integrations:office365_video', null, 'Microsoft Teams'],
  ['Whereby', null, null, 'integrations:whereby_video', null, 'Whereby'],
  ['case-insensitive', null, null, 'INTEGRATIONS:Daily', null, 'Cal Video'],
  ['an unknown app', null, null, 'integrations:sirius_video', null, 'Sirius Video'],
  ['an address', null, null, '12 Harbour Street, Portland', null, '12 Harbour Street, Portland'],
  ['a phone number', null, null, '+1 555 0100', null, '+1 555 0100'],
  [
    'a link location that is not the join link is the place',
    { videoCallUrl: 'https://a.example/video/u1' },
    null,
    'https://example.com/room',
    'https://a.example/video/u1',
    'https://example.com/room',
  ],
  ['no location', null, null, null, null, null],
  ['a blank location', null, null, '   ', null, null],
];

describe('meeting link and place', () => {
  it.each(cases)('%s', (_name, metadata, videoCallUrl, location, meetingUrl, place) => {
    expect(meetingLinkAndPlace({ metadata, videoCallUrl, location, uid: 'u1' })).toEqual({ meetingUrl, place });
  });

  // An event type may let the booker type the location (security review 42): their link is a place, never the link.
  it.each([
    [
      'a webhook',
      { location: { label: 'location', value: { value: 'somewhereElse', optionValue: 'https://evil.example/j' } } },
    ],
    ['a v2 booking', { location: { value: 'attendeeInPerson', optionValue: 'https://evil.example/j' } }],
  ])("a location the booker typed in %s's answers is no link", (_shape, responses) => {
    const booked = { metadata: {}, videoCallUrl: null, location: 'https://evil.example/j', uid: 'u1', responses };
    expect(meetingLinkAndPlace(booked)).toEqual({ meetingUrl: null, place: 'https://evil.example/j' });
  });

  it("takes the consultant's own link location, whose answer carries nothing typed", () => {
    const responses = { location: { label: 'location', value: { value: 'link', optionValue: '' } } };
    const booked = { metadata: {}, videoCallUrl: null, location: 'https://meet.example/dana', uid: 'u1', responses };
    expect(meetingLinkAndPlace(booked)).toEqual({ meetingUrl: 'https://meet.example/dana', place: null });
  });
});
