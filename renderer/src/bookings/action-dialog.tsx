import { useId, useState } from 'react';
import type { BookingActionName } from '../../../common/booking-actions';
import { ConfirmDialog } from '../components/confirm-dialog';
import { actionText } from './action-rules';

interface ActionDialogProps {
  readonly action: BookingActionName;
  readonly clientName: string;
  /** For no-show: whether the mark is being removed. */
  readonly undo?: boolean;
  readonly onConfirm: (reason: string) => void;
  readonly onCancel: () => void;
}

/** The confirmation before a booking action, with an optional reason the client will read. Mounted only while open. */
export function ActionDialog({ action, clientName, undo, onConfirm, onCancel }: ActionDialogProps) {
  const text = actionText[action];
  const [reason, setReason] = useState('');
  const id = useId();
  const title = undo ? 'Remove the no-show mark?' : text.title;
  return (
    <ConfirmDialog
      open
      title={title}
      confirmLabel={undo ? 'Remove no-show' : text.confirm}
      danger={text.danger ?? false}
      onConfirm={() => onConfirm(reason.trim())}
      onCancel={onCancel}
    >
      <p>
        <strong>{clientName}</strong>
      </p>
      <p>{undo ? 'Cal.com records that the client attended after all.' : text.body}</p>
      {text.reason ? (
        <div className="field">
          <label htmlFor={id}>{text.reason}</label>
          <textarea id={id} value={reason} maxLength={500} rows={3} onChange={(e) => setReason(e.target.value)} />
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
