import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { ReactNode } from 'react';

export interface Toast {
  readonly id: number;
  readonly level: 'info' | 'error';
  readonly message: string;
}

interface ToastApi {
  show(level: Toast['level'], message: string): void;
}

const ToastContext = createContext<ToastApi>({ show: () => undefined });

/** How long a toast stays; errors stay longer because they usually ask for an action. */
const TTL_MS = { info: 5000, error: 9000 } as const;

/** Holds the toasts of the window and renders them in a polite live region. */
export function ToastProvider({ children }: { readonly children: ReactNode }) {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (level: Toast['level'], message: string) => {
      const id = Date.now() + Math.random();
      setToasts((list) => [...list.slice(-3), { id, level, message }]);
      window.setTimeout(() => dismiss(id), TTL_MS[level]);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.level}`}>
            <span>{toast.message}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** Shows a toast from anywhere below ToastProvider. */
export function useToast(): ToastApi {
  return useContext(ToastContext);
}
