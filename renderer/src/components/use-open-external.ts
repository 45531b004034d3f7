import { useCallback } from 'react';
import { callApi } from '../api/api-client';
import { runsInBrowserHost } from '../api/bridge';
import { useToast } from '../app/toasts';
import { openExternalLink } from './open-external-link';

/**
 * Opens a web page outside the app: a new tab in the browser host, the system browser (through main's check of
 * the same policy) in Electron. A refused link shows an error toast.
 */
export function useOpenExternal(): (url: string) => void {
  const toast = useToast();
  return useCallback(
    (url: string) =>
      void openExternalLink(url, {
        inBrowserHost: runsInBrowserHost(),
        openTab: (href) => void window.open(href, '_blank', 'noopener,noreferrer'),
        openInSystemBrowser: (href) => callApi('openExternal', { url: href }),
        showError: (message) => toast.show('error', message),
      }),
    [toast],
  );
}
