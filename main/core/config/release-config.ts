import { z } from 'zod';
import { APP_SCHEME } from '../../../common/deep-link';

/**
 * The configuration a release build bakes in (issue 17): which Cal.com OAuth client, where Cal.com and the relay
 * are, and how the OAuth redirect comes back. Read at build time from `.env.release` / CI variables by
 * electron.vite.config.ts and written to out/main/release-config.json, which electron-builder packs.
 */
export const RELEASE_CONFIG_KEYS = [
  'CALCOM_CLIENT_ID',
  'CALCOM_APP_URL',
  'CALCOM_API_URL',
  'CALCOM_REDIRECT_URI',
  'RELAY_URL',
] as const;
export type ReleaseConfigKey = (typeof RELEASE_CONFIG_KEYS)[number];

/** The file next to the main bundle that holds the baked values. */
export const RELEASE_CONFIG_FILE = 'release-config.json';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** https, or plain http to this computer only (a release talking to Cal.com or the relay in clear text is refused). */
export function isSecureOrLoopback(raw: string): boolean {
  try {
    const url = new URL(raw);
    if (url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

const secureUrl = (what: string) =>
  z
    .string({ error: `${what} is missing` })
    .min(1, `${what} is missing`)
    .refine((v) => URL.canParse(v), `${what} is not a URL`)
    .refine(
      isSecureOrLoopback,
      `${what} must be an https URL (plain http is allowed only for 127.0.0.1, [::1] or localhost)`,
    );

/** The three redirect forms of DESIGN.md §3: relay bounce (https), lifescore://, or loopback http. */
const redirectUri = z
  .string({ error: 'CALCOM_REDIRECT_URI is missing' })
  .min(1, 'CALCOM_REDIRECT_URI is missing')
  .refine((v) => URL.canParse(v), 'CALCOM_REDIRECT_URI is not a URL')
  .refine(
    (v) => isSecureOrLoopback(v) || new URL(v).protocol === `${APP_SCHEME}:`,
    `CALCOM_REDIRECT_URI must be https, ${APP_SCHEME}://…, or http to 127.0.0.1/[::1]/localhost`,
  );

export const releaseConfigSchema = z.object({
  CALCOM_CLIENT_ID: z
    .string({ error: 'CALCOM_CLIENT_ID is missing' })
    .min(1, 'CALCOM_CLIENT_ID is missing')
    .max(200, 'CALCOM_CLIENT_ID is too long')
    .regex(/^[\x21-\x7e]+$/, 'CALCOM_CLIENT_ID has spaces or control characters'),
  CALCOM_APP_URL: secureUrl('CALCOM_APP_URL'),
  CALCOM_API_URL: secureUrl('CALCOM_API_URL'),
  CALCOM_REDIRECT_URI: redirectUri,
  RELAY_URL: secureUrl('RELAY_URL'),
});
export type ReleaseConfig = z.infer<typeof releaseConfigSchema>;

export type ReleaseConfigCheck =
  { readonly ok: true; readonly config: ReleaseConfig } | { readonly ok: false; readonly problems: readonly string[] };

/** Picks the release keys out of an environment (empty values count as missing) and validates them. */
export function checkReleaseConfig(source: Readonly<Record<string, unknown>>): ReleaseConfigCheck {
  const picked: Record<string, unknown> = {};
  for (const key of RELEASE_CONFIG_KEYS) {
    const value = source[key];
    if (typeof value === 'string' && value.trim() !== '') picked[key] = value.trim();
    else if (value !== undefined && typeof value !== 'string') picked[key] = value;
  }
  const parsed = releaseConfigSchema.safeParse(picked);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => issue.message) };
}

/** The message a release build stops with. */
export function releaseBuildRefusal(problems: readonly string[]): string {
  return [
    'Refusing to build a release: its Cal.com and relay configuration is incomplete or unsafe.',
    ...problems.map((p) => `  - ${p}`),
    `Set ${RELEASE_CONFIG_KEYS.join(', ')} in .env.release (see .env.release.example) or as CI variables, then run \`npm run build:release\` again.`,
  ].join('\n');
}
