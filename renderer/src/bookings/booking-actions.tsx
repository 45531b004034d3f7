import { useState } from 'react';
import type { Booking } from '../../../common/booking';
import type { BookingActionName } from '../../../common/booking-actions';
import { useAppState } from '../api/use-app-state';
import { ErrorNotice } from '../components/error-notice';
import { useNow } from '../components/use-now';
import { PermissionPrompt } from '../dashboard/permission-card';
import { ActionDialog } from './action-dialog';
import { actionText, availableActions } from './action-rules';
import { useBookingAction } from './use-booking-action';

/**
 * The consultant's actions on one booking (issue 19), each behind a confirmation, done on Cal.com: the pending line
 * shows at once, the booking changes when Cal.com answers, and a refusal says why and changes nothing.
 */
export function BookingActions({ booking }: { readonly booking: Booking }) {
  const now = useNow();
  const state = useAppState();
  const run = useBookingAction();
  const [open, setOpen] = useState<BookingActionName | null>(null);
  const actions = availableActions(booking, now);
  if (actions.length === 0 && !run.isPending && !run.isError) return null;
  const isNoShow = booking.status === 'no-show' || booking.attendee.noShow === true;
  const missing = state.data?.connection.missingPermission;
  const connected = state.data?.connection.status === 'connected';
  const last = run.variables;
  const retry = () => last && run.mutate(last);

  return (
    <section aria-label="Actions" className="booking-actions">
      {missing && actions.length > 0 ? <PermissionPrompt why={missing.why} compact /> : null}
      <div className="actions">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'accept' ? 'button button-primary' : 'button'}
            disabled={run.isPending || !connected || Boolean(missing)}
            onClick={() => {
              run.reset();
              setOpen(a);
            }}
          >
            {a === 'no-show' && isNoShow ? 'Undo no-show' : actionText[a].button}
          </button>
        ))}
      </div>
      <p role="status" className="muted small" aria-live="polite">
        {run.isPending && last ? actionText[last.action].pending : run.isSuccess && last ? 'Done: Cal.com has it.' : ''}
      </p>
      {run.isError ? (
        <ErrorNotice error={run.error} title="Cal.com did not make the change">
          <button type="button" className="button" onClick={retry}>
            Retry
          </button>
        </ErrorNotice>
      ) : null}
      {open ? (
        <ActionDialog
          action={open}
          clientName={booking.attendee.name}
          undo={open === 'no-show' && isNoShow}
          onCancel={() => setOpen(null)}
          onConfirm={(reason) => {
            setOpen(null);
            if (open === 'no-show') run.mutate({ uid: booking.uid, action: 'no-show', noShow: !isNoShow });
            else if (open === 'accept') run.mutate({ uid: booking.uid, action: 'accept' });
            else run.mutate({ uid: booking.uid, action: open, ...(reason ? { reason } : {}) });
          }}
        />
      ) : null}
    </section>
  );
}
