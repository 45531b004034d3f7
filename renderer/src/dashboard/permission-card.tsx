import { useMutation } from '@tanstack/react-query';
import { callApi } from '../api/api-client';
import { ErrorNotice } from '../components/error-notice';

/** Asks once for a Cal.com permission the connection lacks (issue 19: BOOKING_WRITE), explaining why. */
export function PermissionPrompt({ why, compact }: { readonly why: string; readonly compact?: boolean }) {
  const grant = useMutation({ mutationFn: () => callApi('connect', {}) });
  return (
    <div className={compact ? 'notice' : 'notice notice-warning'}>
      <p className="notice-title">Allow LifeScore to manage your bookings</p>
      <p>{why}</p>
      <div className="actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => grant.mutate()}
          disabled={grant.isPending}
        >
          {grant.isPending ? 'Opening Cal.com…' : 'Grant permission on Cal.com'}
        </button>
      </div>
      {grant.isError ? <ErrorNotice error={grant.error} /> : null}
    </div>
  );
}
