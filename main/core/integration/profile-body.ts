import type { ProfileBody } from '../../../common/relay';
import { profileBodySchema, profileSlugSchema } from '../../../common/relay';
import { describeServiceLocation } from '../../../common/services';
import type { Settings } from '../../../common/settings';
import { trimSlash } from '../oauth/authorize-url';
import type { IntegrationRecord } from './integration-records';

/**
 * The public profile the relay serves at /consultations/:slug (DESIGN.md §3 "profile published"): the settings'
 * profile plus the visible event types' booking links. The slug defaults to the Cal.com username (already public
 * through Cal.com's own booking pages). Null when no valid profile can be built (nothing is published then).
 */
export function buildProfileBody(settings: Settings, record: IntegrationRecord): ProfileBody | null {
  const slug =
    settings.profile.slug ?? (profileSlugSchema.safeParse(record.username).success ? record.username : undefined);
  if (!slug) return null;
  const body = {
    slug,
    name: settings.profile.name.trim() || record.name || record.username,
    bio: settings.profile.bio,
    ...(settings.profile.photoUrl ? { photoUrl: settings.profile.photoUrl } : {}),
    preparationTips: settings.profile.preparationTips,
    timeZone: record.timeZone,
    email: record.email,
    services: record.eventTypes
      .filter((e) => !e.hidden)
      .map((e) => {
        const details = settings.serviceDetails?.[e.duration];
        const description = details?.description;
        return {
          durationMinutes: e.duration,
          title: e.title,
          ...(description ? { description } : {}),
          ...(details ? { location: describeServiceLocation(details.location) } : {}),
          bookingUrl: e.link,
        };
      }),
    emailsEnabled: settings.relayEmails,
  };
  return profileBodySchema.safeParse(body).success ? body : null;
}

/** The public profile page of a published slug. */
export function profileUrlOf(relayUrl: string, slug: string): string {
  return `${trimSlash(relayUrl)}/consultations/${encodeURIComponent(slug)}`;
}
