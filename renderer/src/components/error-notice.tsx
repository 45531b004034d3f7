import type { ReactNode } from 'react';
import type { AppError } from '../../../common/errors';
import { isApiError } from '../api/api-client';
import { explainError, errorMessage } from './error-text';

/** An inline, recoverable error: what happened, what it means, and an action (usually Retry). */
export function ErrorNotice({
  error,
  title,
  children,
}: {
  readonly error: unknown;
  readonly title?: string;
  readonly children?: ReactNode;
}) {
  const appError: AppError | null = isApiError(error)
    ? { code: error.code, message: error.message }
    : isAppError(error)
      ? error
      : null;
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{title ?? appError?.message ?? errorMessage(error)}</p>
      {title && appError ? <p>{appError.message}</p> : null}
      {appError ? <p className="muted">{explainError(appError.code)}</p> : null}
      {children ? <div className="actions">{children}</div> : null}
    </div>
  );
}

function isAppError(value: unknown): value is AppError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}
