import { useMutation, useQuery, type UseMutationResult } from '@tanstack/react-query';
import type { Diagnostics } from '../../../common/diagnostics';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { CopyButton } from '../components/copy-button';
import { ErrorNotice } from '../components/error-notice';
import { formatStamp } from '../components/format';
import { Spinner } from '../components/spinner';
import { CalcomReadIssues } from './calcom-read-issues';
import { DebugSection } from './debug-section';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Plain text of what the screen shows, to paste into a support request (already free of secrets). */
export function diagnosticsReport(d: Diagnostics): string {
  const v = d.versions;
  const lines = [
    `LifeScore Consultant ${v.app} (${v.host === 'electron' ? `Electron ${v.electron ?? '?'}, Chrome ${v.chrome ?? '?'}` : 'browser host'}, Node ${v.node}, ${v.platform})`,
    `Data folder: ${d.dataFolder}`,
    `Database: ${d.database.file} (${formatBytes(d.database.sizeBytes)})`,
    `Debug mode: ${!d.debug?.active ? 'off' : d.debug.source === 'env' ? 'on (LIFESCORE_DEBUG=1)' : `on until ${d.debug.until}`}`,
    `Quarantined events: ${d.quarantined.length}`,
    ...d.quarantined.map((q) => `  #${q.seq} ${q.receivedAt} ${q.trigger ?? '-'}: ${q.reason}`),
    `Bookings from Cal.com not read or with an unknown status: ${d.calcomReadIssues?.length ?? 0}`,
    ...(d.calcomReadIssues ?? []).map((i) => `  ${i.kind} ${i.uid ?? i.key} ${i.seenAt}: ${i.reason}`),
    'Cal.com calls (newest first):',
    ...(d.calcomCalls ?? []).map(
      (c) =>
        `  ${c.at} ${c.kind === 'oauth' ? `OAuth ${c.grant ?? ''}` : c.method} ${c.path} → ${c.status ?? c.outcome} ${c.durationMs} ms${c.attempt ? ` retry ${c.attempt}` : ''}${c.afterRefresh ? ' after refresh' : ''}${c.rateLimit ? ` [${c.rateLimit}]` : ''}`,
    ),
    'Recent activity:',
    ...d.activity.map(
      (a) =>
        `  ${a.at} ${a.level.toUpperCase()} ${a.message}${Object.keys(a.details).length ? ` ${JSON.stringify(a.details)}` : ''}`,
    ),
  ];
  return lines.join('\n');
}

/** Settings → data folder and diagnostics: versions, where data lives, recent sync activity, quarantined events. */
export function DiagnosticsCard() {
  const diagnostics = useQuery({ queryKey: queryKeys.diagnostics, queryFn: () => callApi('getDiagnostics', {}) });
  const openFolder = useMutation({ mutationFn: () => callApi('openDataFolder', {}) });
  return (
    <section className="card" aria-labelledby="diagnostics-heading">
      <h2 id="diagnostics-heading">Data folder and diagnostics</h2>
      {diagnostics.isPending ? (
        <Spinner label="Loading diagnostics" />
      ) : diagnostics.isError ? (
        <ErrorNotice error={diagnostics.error} title="Diagnostics could not be loaded">
          <button type="button" className="button" onClick={() => void diagnostics.refetch()}>
            Retry
          </button>
        </ErrorNotice>
      ) : (
        <DiagnosticsBody
          d={diagnostics.data}
          onRefresh={() => void diagnostics.refetch()}
          refreshing={diagnostics.isFetching}
          openFolder={openFolder}
        />
      )}
    </section>
  );
}

function DiagnosticsBody({
  d,
  onRefresh,
  refreshing,
  openFolder,
}: {
  readonly d: Diagnostics;
  readonly onRefresh: () => void;
  readonly refreshing: boolean;
  readonly openFolder: UseMutationResult<null, Error, void>;
}) {
  const v = d.versions;
  return (
    <>
      <dl className="facts">
        <dt>Data folder</dt>
        <dd>
          <code className="path">{d.dataFolder}</code> <CopyButton text={d.dataFolder} label="data folder path" />{' '}
          {v.host === 'electron' ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => openFolder.mutate()}
              disabled={openFolder.isPending}
            >
              Show in folder
            </button>
          ) : null}
        </dd>
        <dt>Database</dt>
        <dd>{formatBytes(d.database.sizeBytes)}</dd>
        <dt>Versions</dt>
        <dd>
          App {v.app}
          {v.host === 'electron' ? ` · Electron ${v.electron ?? '?'} · Chrome ${v.chrome ?? '?'}` : ' · browser host'} ·
          Node {v.node} · {v.platform}
        </dd>
      </dl>
      <p className="muted small">
        Your bookings and settings live in the data folder. Your Cal.com sign-in is kept in the system keychain, not
        there.
      </p>
      {openFolder.isError ? <ErrorNotice error={openFolder.error} title="The folder could not be opened" /> : null}

      <DebugSection d={d} />

      <h3 id="quarantine-heading">Events that could not be applied</h3>
      {d.quarantined.length === 0 ? (
        <p className="muted small">None. Every event the relay delivered was applied.</p>
      ) : (
        <table className="diagnostics-table" aria-labelledby="quarantine-heading">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Received</th>
              <th scope="col">Event</th>
              <th scope="col">Why it was kept aside</th>
            </tr>
          </thead>
          <tbody>
            {d.quarantined.map((q) => (
              <tr key={q.seq}>
                <td>{q.seq}</td>
                <td>{formatStamp(q.receivedAt, localZone)}</td>
                <td>{q.trigger ?? '—'}</td>
                <td>{q.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <CalcomReadIssues issues={d.calcomReadIssues ?? []} />

      <h3 id="activity-heading">Recent activity</h3>
      {d.activity.length === 0 ? (
        <p className="muted small">Nothing logged since the app started.</p>
      ) : (
        // Focusable: the log scrolls, and a keyboard user must be able to scroll it (axe scrollable-region-focusable).
        <ol className="activity-log" aria-labelledby="activity-heading" tabIndex={0}>
          {d.activity.map((a, i) => (
            <li key={`${a.at}-${i}`} className={`activity-${a.level}`}>
              <time dateTime={a.at}>{formatStamp(a.at, localZone)}</time>{' '}
              <span className="activity-level">{a.level}</span> {a.message}
              {Object.keys(a.details).length > 0 ? (
                <span className="muted small">
                  {' '}
                  {Object.entries(a.details)
                    .map(([k, val]) => `${k}: ${String(val)}`)
                    .join(', ')}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onRefresh} disabled={refreshing} aria-busy={refreshing}>
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
        <CopyButton text={diagnosticsReport(d)} label="diagnostics report" />
      </div>
    </>
  );
}
