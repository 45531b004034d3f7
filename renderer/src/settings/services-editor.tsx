import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { Settings } from '../../../common/settings';
import type { ServiceDetails, ServiceLocation } from '../../../common/services';
import { defaultServiceDetails, serviceDetailsSchema } from '../../../common/services';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { ErrorNotice } from '../components/error-notice';

const durations = [30, 60, 90] as const;
type LocationType = ServiceLocation['type'];

/** Settings → Your services (issue 19): each service's title, description, location and confirmation, saved to Cal.com. */
export function ServicesEditor({ settings }: { readonly settings: Settings }) {
  return (
    <section className="card" aria-labelledby="services-editor-heading">
      <h2 id="services-editor-heading">Your services</h2>
      <p className="muted small">
        What clients see on Cal.com’s booking pages and your public profile. Saving writes it to Cal.com at once.
      </p>
      {durations.map((d) => (
        <ServiceForm
          key={d}
          duration={d}
          saved={settings.serviceDetails?.[d] ?? defaultServiceDetails(d)}
          enabled={settings.services[d]}
        />
      ))}
    </section>
  );
}

function ServiceForm({
  duration,
  saved,
  enabled,
}: {
  readonly duration: 30 | 60 | 90;
  readonly saved: ServiceDetails;
  readonly enabled: boolean;
}) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(saved.title);
  const [description, setDescription] = useState(saved.description);
  const [type, setType] = useState<LocationType>(saved.location.type);
  const [place, setPlace] = useState(
    saved.location.type === 'phone'
      ? saved.location.phone
      : saved.location.type === 'in-person'
        ? saved.location.address
        : saved.location.type === 'link'
          ? saved.location.link
          : '',
  );
  const [confirm, setConfirm] = useState(saved.requiresConfirmation);
  const id = useId();
  const location = (): ServiceLocation =>
    type === 'phone'
      ? { type, phone: place }
      : type === 'in-person'
        ? { type, address: place }
        : type === 'link'
          ? { type, link: place.trim() }
          : { type: 'cal-video' };
  const candidate = serviceDetailsSchema.safeParse({
    title,
    description,
    location: location(),
    requiresConfirmation: confirm,
  });
  const problem = candidate.success
    ? null
    : candidate.error.issues[0]?.path.join('.') === 'location.link'
      ? 'The link must start with https://'
      : (candidate.error.issues[0]?.message ?? 'Check the fields');
  const save = useMutation({
    mutationFn: (details: ServiceDetails) => callApi('updateService', { duration, details }),
    onSuccess: (next) => {
      queryClient.setQueryData(queryKeys.settings, next);
      void queryClient.invalidateQueries({ queryKey: queryKeys.state });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (candidate.success) save.mutate(candidate.data);
  };
  const placeLabel = type === 'phone' ? 'Phone number' : type === 'in-person' ? 'Address' : 'Meeting link (https)';
  return (
    <form className="service-form" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {duration}-minute session{enabled ? '' : ' (turned off)'}
      </h3>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-desc`}>Description</label>
        <textarea
          id={`${id}-desc`}
          value={description}
          maxLength={2000}
          rows={3}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-where`}>Location</label>
          <select id={`${id}-where`} value={type} onChange={(e) => setType(e.target.value as LocationType)}>
            <option value="cal-video">Cal Video</option>
            <option value="phone">Phone call</option>
            <option value="in-person">In person</option>
            <option value="link">Another video link</option>
          </select>
        </div>
        {type !== 'cal-video' ? (
          <div className="field field-grow">
            <label htmlFor={`${id}-place`}>{placeLabel}</label>
            <input id={`${id}-place`} value={place} maxLength={500} onChange={(e) => setPlace(e.target.value)} />
          </div>
        ) : null}
      </div>
      <label className="checkbox" htmlFor={`${id}-confirm`}>
        <input id={`${id}-confirm`} type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} />
        <span>Requires confirmation: bookings arrive as requests you accept or decline</span>
      </label>
      <div className="actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!candidate.success || save.isPending}
          aria-busy={save.isPending}
        >
          {save.isPending ? 'Saving to Cal.com…' : `Save ${duration}-minute service`}
        </button>
        {problem && (title || place) ? <span className="field-error">{problem}</span> : null}
        {save.isSuccess ? (
          <span role="status" className="muted small">
            Saved on Cal.com.
          </span>
        ) : null}
      </div>
      {save.isError ? <ErrorNotice error={save.error} title="Cal.com did not save the service" /> : null}
    </form>
  );
}
