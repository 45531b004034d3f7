import { profileSlugSchema } from '../../../common/relay';
import { photoUrlSchema } from '../../../common/settings';
import type { SettingsPatch } from '../../../common/settings';
import { useAppState } from '../api/use-app-state';

/** The two profile fields whose values the relay judges (issue 16): the public address and the photo. */
export interface ProfileAddress {
  readonly slug: string;
  readonly photoUrl: string;
}

/** The problem with a field as typed, checked with the same schemas the core and the relay use; null when fine. */
export function profileFieldErrors(value: ProfileAddress): { slug: string | null; photoUrl: string | null } {
  const slug = value.slug.trim();
  const photo = value.photoUrl.trim();
  const slugCheck = slug === '' ? null : profileSlugSchema.safeParse(slug);
  const photoCheck = photo === '' ? null : photoUrlSchema.safeParse(photo);
  return {
    slug:
      slugCheck && !slugCheck.success
        ? 'Use 3 to 40 lowercase letters, digits and single hyphens (for example dana-reyes).'
        : null,
    photoUrl: photoCheck && !photoCheck.success ? 'Enter a web address starting with https:// (or http://).' : null,
  };
}

export function profileFieldsValid(value: ProfileAddress): boolean {
  const errors = profileFieldErrors(value);
  return !errors.slug && !errors.photoUrl;
}

/** The settings patch for the two fields: an empty field clears the stored value (null). */
export function profileFieldsPatch(value: ProfileAddress): NonNullable<SettingsPatch['profile']> {
  const slug = value.slug.trim();
  const photo = value.photoUrl.trim();
  return { slug: slug === '' ? null : slug, photoUrl: photo === '' ? null : photo };
}

/** "Profile address" and "Photo URL", with the relay's answer to the last publish shown next to the address. */
export function ProfileAddressFields({
  value,
  onChange,
  relayUrl,
}: {
  readonly value: ProfileAddress;
  readonly onChange: (v: ProfileAddress) => void;
  readonly relayUrl: string;
}) {
  const { data } = useAppState();
  const connection = data?.connection;
  const errors = profileFieldErrors(value);
  const effectiveSlug = value.slug.trim() || connection?.username || '';
  const answer =
    connection?.profileAnswer && connection.profileAnswer.slug === effectiveSlug ? connection.profileAnswer : undefined;
  const refused = answer && answer.status !== 'saved';
  const base = `${relayUrl.replace(/\/+$/, '')}/consultations/`;
  return (
    <>
      <label className="field">
        <span>Profile address</span>
        <input
          value={value.slug}
          maxLength={40}
          placeholder={connection?.username ?? 'your-name'}
          spellCheck={false}
          autoCapitalize="none"
          aria-invalid={Boolean(errors.slug) || Boolean(refused)}
          aria-describedby="slug-hint slug-answer"
          onChange={(e) => onChange({ ...value, slug: e.target.value.toLowerCase() })}
        />
        <span className="hint" id="slug-hint">
          Your public page: {base}
          <strong>{effectiveSlug || 'your-cal-username'}</strong>. Leave empty to use your Cal.com username.
        </span>
        <span id="slug-answer" role="status" className={errors.slug || refused ? 'field-error' : 'hint'}>
          {errors.slug ?? (answer ? answer.message : '')}
        </span>
      </label>
      <label className="field">
        <span>Photo URL</span>
        <input
          type="url"
          value={value.photoUrl}
          placeholder="https://…"
          spellCheck={false}
          aria-invalid={Boolean(errors.photoUrl)}
          aria-describedby="photo-answer"
          onChange={(e) => onChange({ ...value, photoUrl: e.target.value })}
        />
        <span id="photo-answer" role="status" className={errors.photoUrl ? 'field-error' : 'hint'}>
          {errors.photoUrl ?? 'A square photo shown on your public profile page.'}
        </span>
      </label>
    </>
  );
}
