import { z } from 'zod';
import { profileSlugSchema } from './relay';
import { serviceDetailsSchema } from './services';

/** A photo on the public profile page: a web address only (never `javascript:` or `data:`). */
export const photoUrlSchema = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** Settings kept in electron-store (never secrets: those live in the OS keychain). */
export const settingsSchema = z.object({
  relayUrl: z.url(),
  profile: z.object({
    slug: profileSlugSchema.optional(),
    name: z.string().max(120),
    bio: z.string().max(4000),
    photoUrl: photoUrlSchema.optional(),
    preparationTips: z.string().max(4000),
  }),
  services: z.object({ 30: z.boolean(), 60: z.boolean(), 90: z.boolean() }),
  notifications: z.boolean(),
  relayEmails: z.boolean(),
  /** Issue 19: each service's title, description, location and confirmation, as the consultant shaped it (absent: defaults). */
  /** Issue 19: debug mode is on until this time (one day after it was switched on); absent: off. */
  debugUntil: z.iso.datetime().optional(),
  serviceDetails: z
    .object({
      30: serviceDetailsSchema.optional(),
      60: serviceDetailsSchema.optional(),
      90: serviceDetailsSchema.optional(),
    })
    .optional(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = z
  .object({
    relayUrl: z.url().optional(),
    // null clears the custom profile address (back to the Cal.com username) or the photo.
    profile: settingsSchema.shape.profile
      .partial()
      .extend({ slug: profileSlugSchema.nullable().optional(), photoUrl: photoUrlSchema.nullable().optional() })
      .strict()
      .optional(),
    notifications: z.boolean().optional(),
    relayEmails: z.boolean().optional(),
    /** Switches debug mode on (for one day) or off. */
    debug: z.boolean().optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const defaultSettings = (relayUrl: string): Settings => ({
  relayUrl,
  profile: { name: '', bio: '', preparationTips: '' },
  services: { 30: true, 60: true, 90: true },
  notifications: true,
  relayEmails: true,
});
