import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Settings, SettingsPatch } from '../../../common/settings';
import { ProfileAddressFields, profileFieldsPatch, profileFieldsValid } from './profile-address-fields';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { useAppState } from '../api/use-app-state';
import { useToast } from '../app/toasts';
import { ErrorNotice } from '../components/error-notice';
import { Spinner } from '../components/spinner';
import { AuditLogCard } from './audit-log-card';
import { DiagnosticsCard } from './diagnostics-card';
import { ExportCard } from './export-card';
import { ServicesEditor } from './services-editor';

/** Settings: relay, profile text used on the public page and in emails, notifications, data and diagnostics. */
export function SettingsPage() {
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => callApi('getSettings', {}) });
  const state = useAppState();
  return (
    <div className="settings-page">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      {settings.isPending ? (
        <Spinner label="Loading settings" />
      ) : settings.isError ? (
        <ErrorNotice error={settings.error} title="Settings could not be loaded">
          <button type="button" className="button" onClick={() => void settings.refetch()}>
            Retry
          </button>
        </ErrorNotice>
      ) : (
        // Keyed by the saved values so the form starts over from what was stored after each save.
        <>
          <SettingsForm key={JSON.stringify(settings.data)} settings={settings.data} />
          <ServicesEditor settings={settings.data} />
        </>
      )}
      <ExportCard />
      <DiagnosticsCard />
      <AuditLogCard />
      <section className="card" aria-labelledby="about-heading">
        <h2 id="about-heading">About</h2>
        <dl className="facts">
          <dt>Version</dt>
          <dd>{state.data?.version ?? '…'}</dd>
        </dl>
      </section>
    </div>
  );
}

function SettingsForm({ settings }: { readonly settings: Settings }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState(settings);
  const [address, setAddress] = useState({
    slug: settings.profile.slug ?? '',
    photoUrl: settings.profile.photoUrl ?? '',
  });
  const save = useMutation({
    mutationFn: (patch: SettingsPatch) => callApi('updateSettings', patch),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.settings, saved);
      toast.show('info', 'Settings saved.');
    },
  });
  const addressDirty =
    address.slug !== (settings.profile.slug ?? '') || address.photoUrl !== (settings.profile.photoUrl ?? '');
  const dirty = addressDirty || JSON.stringify(draft) !== JSON.stringify(settings);
  const setProfile = (key: 'name' | 'bio' | 'preparationTips', value: string) =>
    setDraft({ ...draft, profile: { ...draft.profile, [key]: value } });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!profileFieldsValid(address)) return;
    save.mutate({
      relayUrl: draft.relayUrl.trim(),
      profile: {
        name: draft.profile.name,
        bio: draft.profile.bio,
        preparationTips: draft.profile.preparationTips,
        ...profileFieldsPatch(address),
      },
      notifications: draft.notifications,
      relayEmails: draft.relayEmails,
    });
  };

  return (
    <form className="settings-form" onSubmit={submit}>
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Your profile</h2>
        <p className="muted small">Shown on your public profile page and in the emails your clients receive.</p>
        <label className="field">
          <span>Name</span>
          <input
            value={draft.profile.name}
            maxLength={120}
            onChange={(e) => setProfile('name', e.target.value)}
            autoComplete="name"
          />
        </label>
        <label className="field">
          <span>About you</span>
          <textarea
            rows={4}
            value={draft.profile.bio}
            maxLength={4000}
            onChange={(e) => setProfile('bio', e.target.value)}
          />
        </label>
        <label className="field">
          <span>How to prepare for a session</span>
          <textarea
            rows={4}
            value={draft.profile.preparationTips}
            maxLength={4000}
            onChange={(e) => setProfile('preparationTips', e.target.value)}
          />
          <span className="hint">Included in every booking confirmation.</span>
        </label>
        <ProfileAddressFields value={address} onChange={setAddress} relayUrl={settings.relayUrl} />
      </section>

      <section className="card" aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">Notifications and emails</h2>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.notifications}
            onChange={(e) => setDraft({ ...draft, notifications: e.target.checked })}
          />
          Notify me on this computer when a booking is made, moved or cancelled
        </label>
      </section>

      <section className="card" aria-labelledby="emails-heading">
        <h2 id="emails-heading">Who emails your clients</h2>
        <p className="muted small">
          Exactly one sender confirms each booking, so a client never gets two confirmations. Cal.com lets an app switch
          off its own emails only for event types of organization teams; on a personal Cal.com account LifeScore keeps
          Cal.com’s emails and tells you.
        </p>
        <fieldset className="radio-group">
          <legend className="visually-hidden">Who emails your clients</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="email-source"
              checked={draft.relayEmails}
              onChange={() => setDraft({ ...draft, relayEmails: true })}
            />
            <span>
              LifeScore’s emails: confirmation, reschedule and cancellation to you and your client, with your
              preparation tips, both time zones and a calendar invite. LifeScore asks Cal.com to stop its own emails to
              clients for your services.
            </span>
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="email-source"
              checked={!draft.relayEmails}
              onChange={() => setDraft({ ...draft, relayEmails: false })}
            />
            <span>Cal.com’s emails: Cal.com’s standard booking emails; LifeScore sends none.</span>
          </label>
        </fieldset>
      </section>

      <section className="card" aria-labelledby="relay-heading">
        <h2 id="relay-heading">Relay</h2>
        <label className="field">
          <span>Relay URL</span>
          <input
            type="url"
            required
            value={draft.relayUrl}
            onChange={(e) => setDraft({ ...draft, relayUrl: e.target.value })}
            spellCheck={false}
          />
          <span className="hint">
            The LifeScore relay receives Cal.com’s webhooks for you. Change it only if your organisation runs its own.
          </span>
        </label>
      </section>

      {save.isError ? <ErrorNotice error={save.error} title="Settings were not saved" /> : null}
      <div className="actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!dirty || save.isPending || !profileFieldsValid(address)}
          aria-busy={save.isPending}
        >
          {save.isPending ? 'Saving…' : 'Save settings'}
        </button>
        <button
          type="button"
          className="button button-quiet"
          disabled={!dirty || save.isPending}
          onClick={() => setDraft(settings)}
        >
          Discard changes
        </button>
      </div>
    </form>
  );
}
