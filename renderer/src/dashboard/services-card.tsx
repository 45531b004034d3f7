import { useState } from 'react';
import type { AppState, ServiceDuration } from '../../../common/app-state';
import { serviceDurations } from '../../../common/app-state';
import { CopyButton } from '../components/copy-button';
import { ErrorNotice } from '../components/error-notice';
import { useOpenExternal } from '../components/use-open-external';
import { useConnectionActions } from './use-connection-actions';
import { linksHidden } from './approval-card';

/** The 30/60/90-minute services: on/off, and for each one offered its Cal.com booking link. */
export function ServicesCard({ state }: { readonly state: AppState }) {
  const { setServices } = useConnectionActions();
  const openExternal = useOpenExternal();
  const { connection } = state;
  const connected = connection.status === 'connected';
  const hidden = linksHidden(connection);
  // The switch must move in the same render as the click: the query cache's optimistic update lands a tick later,
  // and a controlled checkbox would snap back in between.
  const [requested, setRequested] = useState<AppState['services'] | null>(null);
  const services = requested ?? state.services;

  const toggle = (duration: ServiceDuration, on: boolean) => {
    const next = { ...services, [duration]: on };
    setRequested(next);
    setServices.mutate(next, { onSettled: () => setRequested(null) });
  };

  return (
    <section className="card" aria-labelledby="services-heading">
      <div className="card-header">
        <h2 id="services-heading">Services and booking links</h2>
      </div>
      <ul className="service-list">
        {serviceDurations.map((duration) => {
          const on = services[`${duration}`];
          const eventType = connection.eventTypes.find((e) => e.duration === duration && !e.hidden);
          return (
            <li key={duration} className="service">
              <label className="switch">
                <input
                  type="checkbox"
                  role="switch"
                  checked={on}
                  disabled={setServices.isPending}
                  onChange={(e) => toggle(duration, e.target.checked)}
                />
                <span className="switch-track" aria-hidden="true" />
                <span className="service-name">{duration}-minute session</span>
              </label>
              {on && eventType && hidden ? (
                <p className="muted small">Link hidden until LifeScore has approved your account.</p>
              ) : on && eventType ? (
                <div className="link-row">
                  <a
                    className="link-text"
                    href={eventType.link}
                    target="_blank"
                    rel="noopener noreferrer"
                    title={eventType.link}
                    onClick={(e) => {
                      e.preventDefault();
                      openExternal(eventType.link);
                    }}
                  >
                    {eventType.link.replace(/^https?:\/\//, '')}
                  </a>
                  <CopyButton text={eventType.link} label={`${duration}-minute booking link`} />
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => openExternal(eventType.link)}
                    aria-label={`Open ${duration}-minute booking page`}
                  >
                    Open
                  </button>
                </div>
              ) : (
                <p className="muted small">
                  {!on
                    ? 'Not offered.'
                    : connected
                      ? 'The booking page appears here once Cal.com has it.'
                      : 'Its booking link appears once you connect Cal.com.'}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {setServices.isError ? <ErrorNotice error={setServices.error} title="Could not change your services" /> : null}
      {connected && connection.profileUrl && !hidden ? (
        <div className="profile-link">
          <h3>Your public profile</h3>
          <div className="link-row">
            <span className="link-text" title={connection.profileUrl}>
              {connection.profileUrl.replace(/^https?:\/\//, '')}
            </span>
            <CopyButton text={connection.profileUrl} label="profile link" />
            <button
              type="button"
              className="button button-small"
              onClick={() => openExternal(connection.profileUrl ?? '')}
              aria-label="Open public profile"
            >
              Open
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
