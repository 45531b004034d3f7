import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { AuditQuery } from '../../../common/audit';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { ErrorNotice } from '../components/error-notice';
import { formatStamp } from '../components/format';
import { Spinner } from '../components/spinner';
import { download } from './export-card';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * Settings → Cal.com calls: the audit log (issue 19) of every call the app made to Cal.com and every OAuth exchange,
 * filterable, exportable as CSV. Kept 30 days; no tokens, codes or bodies are ever recorded.
 */
export function AuditLogCard() {
  const [kind, setKind] = useState<'' | 'api' | 'oauth'>('');
  const [failuresOnly, setFailuresOnly] = useState(false);
  const [path, setPath] = useState('');
  const query: AuditQuery = {
    ...(kind ? { kind } : {}),
    ...(failuresOnly ? { failuresOnly } : {}),
    ...(path.trim() ? { path: path.trim() } : {}),
    limit: 200,
  };
  const entries = useQuery({ queryKey: queryKeys.audit(query), queryFn: () => callApi('listAudit', query) });
  const exportCsv = useMutation({
    mutationFn: () => callApi('exportAuditCsv', { ...query, limit: 5000 }),
    onSuccess: ({ csv }) => download(`lifescore-calcom-calls-${new Date().toISOString().slice(0, 10)}.csv`, csv),
  });
  const ids = { kind: useId(), path: useId(), failures: useId() };
  return (
    <section className="card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Cal.com calls</h2>
      <p className="muted small">
        Every request this app made to Cal.com in the last 30 days, newest first. Tokens, codes and client details are
        never recorded.
      </p>
      <div className="filters">
        <div className="field">
          <label htmlFor={ids.kind}>Kind</label>
          <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as '' | 'api' | 'oauth')}>
            <option value="">All</option>
            <option value="api">API calls</option>
            <option value="oauth">Sign-in (OAuth)</option>
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor={ids.path}>Path contains</label>
          <input id={ids.path} value={path} placeholder="/v2/bookings" onChange={(e) => setPath(e.target.value)} />
        </div>
        <label className="checkbox" htmlFor={ids.failures}>
          <input
            id={ids.failures}
            type="checkbox"
            checked={failuresOnly}
            onChange={(e) => setFailuresOnly(e.target.checked)}
          />{' '}
          Failures only
        </label>
      </div>
      {entries.isPending ? (
        <Spinner label="Loading Cal.com calls" />
      ) : entries.isError ? (
        <ErrorNotice error={entries.error} />
      ) : entries.data.length === 0 ? (
        <p className="muted small">No calls match.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} aria-label="Cal.com calls, scrollable">
          <table className="diagnostics-table" aria-labelledby="audit-heading">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Notes</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.map((e) => (
                <tr key={e.id}>
                  <td>{formatStamp(e.at, localZone)}</td>
                  <td>
                    <code>
                      {e.kind === 'oauth' ? `OAuth ${e.grant ?? ''}` : e.method} {e.path}
                    </code>
                  </td>
                  <td>{e.status ?? e.outcome}</td>
                  <td>{e.durationMs} ms</td>
                  <td className="muted small">
                    {[
                      e.attempt > 0 ? `retry ${e.attempt}` : '',
                      e.afterRefresh ? 'after token refresh' : '',
                      e.rateLimit ?? '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={() => void entries.refetch()}>
          Refresh
        </button>
        <button type="button" className="button" onClick={() => exportCsv.mutate()} disabled={exportCsv.isPending}>
          Export CSV
        </button>
      </div>
      {exportCsv.isError ? <ErrorNotice error={exportCsv.error} title="The export failed" /> : null}
    </section>
  );
}
