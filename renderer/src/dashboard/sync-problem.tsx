import type { SyncProblem } from '../../../common/app-state';
import { assertNever } from '../../../common/errors';
import { formatStamp } from '../components/format';

/** What the consultant can do about each kind of problem (issue 22): a title, and the sentence after the message. */
function advice(kind: SyncProblem['kind']): { title: string; hint: string } {
  switch (kind) {
    case 'reconnect':
      return {
        title: 'Reconnect Cal.com',
        hint: 'Reconnect to let bookings sync again. Nothing already synced is lost.',
      };
    case 'calcom-down':
      return {
        title: 'Cal.com is down',
        hint: 'The app keeps trying on its own and catches up as soon as Cal.com answers again.',
      };
    case 'calcom-refused':
      return {
        title: 'Cal.com refused to sync',
        hint: 'Try again; if it keeps happening, reconnecting Cal.com may help.',
      };
    case 'local':
      return {
        title: 'Sync stopped on this computer',
        hint: 'The app keeps restarting it. Try again, or restart the app if it lasts.',
      };
    default:
      return assertNever(kind);
  }
}

/** A sync failure that persisted: what is wrong, since when, and what to do (Reconnect or Retry). */
export function SyncProblemNotice({
  problem,
  timeZone,
  onRetry,
  retrying,
  onReconnect,
  reconnecting,
}: {
  readonly problem: SyncProblem;
  readonly timeZone: string;
  readonly onRetry: () => void;
  readonly retrying: boolean;
  readonly onReconnect: () => void;
  readonly reconnecting: boolean;
}) {
  const { title, hint } = advice(problem.kind);
  return (
    <div className="notice notice-error" role="alert" aria-labelledby="sync-problem-title">
      <p className="notice-title" id="sync-problem-title">
        {title}
      </p>
      <p>
        {problem.message} Failing since {formatStamp(problem.since, timeZone)} ({problem.failures}{' '}
        {problem.failures === 1 ? 'attempt' : 'attempts'}). {hint}
      </p>
      <div className="actions">
        {problem.kind === 'reconnect' ? (
          <button
            type="button"
            className="button button-primary"
            onClick={onReconnect}
            disabled={reconnecting}
            aria-busy={reconnecting}
          >
            Reconnect
          </button>
        ) : null}
        <button type="button" className="button" onClick={onRetry} disabled={retrying} aria-busy={retrying}>
          {retrying ? 'Retrying…' : 'Retry'}
        </button>
      </div>
    </div>
  );
}
