import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Diagnostics } from '../../../common/diagnostics';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { ErrorNotice } from '../components/error-notice';
import { formatStamp } from '../components/format';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Settings → Diagnostics → Debug mode (issue 19): verbose logs and the received webhook bodies, redacted, for a day. */
export function DebugSection({ d }: { readonly d: Diagnostics }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (on: boolean) => callApi('updateSettings', { debug: on }),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.settings, saved);
      void queryClient.invalidateQueries({ queryKey: queryKeys.diagnostics });
    },
  });
  const state = d.debug ?? { active: false };
  const bodies = d.webhookBodies ?? [];
  return (
    <>
      <h3 id="debug-heading">Debug mode</h3>
      <p className="muted small" role="status">
        {!state.active
          ? 'Off. When on, the app writes detailed logs and shows the webhooks it receives here (names, emails and notes hidden). It turns itself off after a day.'
          : state.source === 'env'
            ? 'On for this run (LIFESCORE_DEBUG=1).'
            : `On until ${formatStamp(state.until, localZone)}.`}
      </p>
      {state.active && state.source === 'env' ? null : (
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() => toggle.mutate(!state.active)}
            disabled={toggle.isPending}
          >
            {state.active ? 'Turn debug mode off' : 'Turn debug mode on for one day'}
          </button>
        </div>
      )}
      {toggle.isError ? <ErrorNotice error={toggle.error} /> : null}
      {state.active ? (
        bodies.length === 0 ? (
          <p className="muted small">No webhook received since debug mode went on.</p>
        ) : (
          <ol className="webhook-bodies" aria-labelledby="debug-heading">
            {bodies.map((b, i) => (
              <li key={`${b.at}-${i}`}>
                <details>
                  <summary>
                    {formatStamp(b.at, localZone)} · {b.trigger ?? 'unknown'}
                  </summary>
                  <pre tabIndex={0}>{b.body}</pre>
                </details>
              </li>
            ))}
          </ol>
        )
      ) : null}
    </>
  );
}
