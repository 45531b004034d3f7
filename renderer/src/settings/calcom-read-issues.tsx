import type { CalcomReadIssue } from '../../../common/diagnostics';
import { formatStamp } from '../components/format';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The summary line, e.g. "1 booking from Cal.com could not be read". */
export function unreadableSummary(count: number): string {
  return `${count} ${count === 1 ? 'booking' : 'bookings'} from Cal.com could not be read`;
}

/**
 * Diagnostics: bookings Cal.com sent that the app could not read (kept as sent, so nothing is lost and support can
 * see why), and bookings with a status the app does not know (shown as pending meanwhile). Issue 22.
 */
export function CalcomReadIssues({ issues }: { readonly issues: readonly CalcomReadIssue[] }) {
  const unreadable = issues.filter((i) => i.kind === 'unreadable');
  const unknown = issues.filter((i) => i.kind === 'unknown-status');
  return (
    <>
      <h3 id="read-issues-heading">Bookings from Cal.com</h3>
      {issues.length === 0 ? <p className="muted small">Every booking Cal.com sent could be read.</p> : null}
      {unreadable.length > 0 ? (
        <details className="read-issues">
          <summary>{unreadableSummary(unreadable.length)} — details</summary>
          <p className="muted small">
            The other bookings synced normally. These are kept exactly as Cal.com sent them and are read again on every
            sync.
          </p>
          <IssueList issues={unreadable} />
        </details>
      ) : null}
      {unknown.length > 0 ? (
        <details className="read-issues">
          <summary>
            {unknown.length} {unknown.length === 1 ? 'booking has' : 'bookings have'} a status this app does not know —
            details
          </summary>
          <p className="muted small">They are shown as pending until Cal.com gives them a status the app knows.</p>
          <IssueList issues={unknown} />
        </details>
      ) : null}
    </>
  );
}

function IssueList({ issues }: { readonly issues: readonly CalcomReadIssue[] }) {
  return (
    <ul className="read-issue-list">
      {issues.map((i) => (
        <li key={`${i.kind}-${i.key}`}>
          <p>
            <strong>{i.uid ?? 'Booking without a uid'}</strong> · seen {formatStamp(i.seenAt, localZone)}
            <br />
            {i.reason}
          </p>
          <pre className="raw-booking" tabIndex={0} aria-label={`What Cal.com sent for ${i.uid ?? 'this booking'}`}>
            {prettyJson(i.raw)}
          </pre>
        </li>
      ))}
    </ul>
  );
}

function prettyJson(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}
