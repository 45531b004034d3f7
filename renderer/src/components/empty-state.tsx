import type { ReactNode } from 'react';

/** A calm empty state: what is (not) here and the next step. */
export function EmptyState({
  title,
  children,
  action,
}: {
  readonly title: string;
  readonly children?: ReactNode;
  readonly action?: ReactNode;
}) {
  return (
    <div className="empty-state">
      <h3>{title}</h3>
      {children ? <p className="muted">{children}</p> : null}
      {action ? <div className="actions actions-center">{action}</div> : null}
    </div>
  );
}
