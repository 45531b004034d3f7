import type { ConnectStep, ConnectionState } from '../../../common/app-state';
import { Spinner } from '../components/spinner';
import { useOpenExternal } from '../components/use-open-external';
import { useConnectionActions } from './use-connection-actions';

const steps: readonly { step: Exclude<ConnectStep, 'done'>; label: string; active: string }[] = [
  {
    step: 'waiting-for-browser',
    label: 'Allow access in your browser',
    active: 'Waiting for you to allow access in your browser…',
  },
  { step: 'exchanging', label: 'Confirm the sign-in with Cal.com', active: 'Confirming the sign-in with Cal.com…' },
  {
    step: 'setting-up',
    label: 'Set up your services and booking links',
    active: 'Setting up your services and booking links…',
  },
];

/** The callback page of the original integration, as a live checklist while a connect attempt runs. */
export function ConnectProgress({ connection }: { readonly connection: ConnectionState }) {
  const { cancel } = useConnectionActions();
  const openExternal = useOpenExternal();
  const current = connection.step ?? 'waiting-for-browser';
  const currentIndex = current === 'done' ? steps.length : steps.findIndex((s) => s.step === current);
  const active = steps[currentIndex];

  return (
    <div className="connect-progress">
      <p className="lead" aria-live="polite">
        {active ? active.active : 'Connected. Finishing up…'}
      </p>
      <ol className="steps">
        {steps.map((s, i) => {
          const state = i < currentIndex ? 'done' : i === currentIndex ? 'active' : 'todo';
          return (
            <li key={s.step} className={`step step-${state}`} aria-current={state === 'active' ? 'step' : undefined}>
              <span className="step-marker" aria-hidden="true">
                {state === 'done' ? '✓' : state === 'active' ? <Spinner /> : i + 1}
              </span>
              <span>
                {s.label}
                <span className="visually-hidden">
                  {state === 'done' ? ' (done)' : state === 'active' ? ' (in progress)' : ''}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
      {current === 'waiting-for-browser' ? (
        <>
          <p className="muted">
            A Cal.com page opened in your browser. Sign in there and choose <strong>Allow</strong>; this window updates
            by itself.
          </p>
          <div className="actions">
            {connection.authorizeUrl ? (
              <button type="button" className="button" onClick={() => openExternal(connection.authorizeUrl ?? '')}>
                Open the page again
              </button>
            ) : null}
            <button
              type="button"
              className="button button-quiet"
              onClick={() => cancel.mutate()}
              disabled={cancel.isPending}
            >
              Cancel
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
}
