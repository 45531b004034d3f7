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
  'around_video': 'Around',
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
