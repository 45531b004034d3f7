import { useCallback } from 'react';
import { callApi } from '../api/api-client';
import { runsInBrowserHost } from '../api/bridge';
import { useToast } from '../app/toasts';
import { errorMessage } from './error-text';

/**
 * Opens a web page outside the app: a new tab in the browser host, the system browser (through main's
 * https allow-list) in Electron.
 */
export function useOpenExternal(): (url: string) => void {
  const toast = useToast();
  return useCallback(
    (url: string) => {
      if (runsInBrowserHost()) {
        window.open(url, '_blank', 'noopener,noreferrer');
        return;
      }
      callApi('openExternal', { url }).catch((err: unknown) => toast.show('error', `Could not open the link: ${errorMessage(err)}`));
    },
    [toast],
  );
}
