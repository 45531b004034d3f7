import type { ApiHandlers } from '../../common/api';
import { AppFailure } from '../../common/errors';
import { isAllowedExternal } from './integration/external-url';
import type { AppCorePorts } from './ports';

export type OpenHandlers = Pick<ApiHandlers, 'openExternal' | 'openDataFolder'>;

/** Opening things outside the app: allow-listed links in the browser, the data folder in the file manager. */
export function createOpenHandlers(ports: Pick<AppCorePorts, 'openExternal' | 'openPath' | 'dataDir'>): OpenHandlers {
  return {
    async openExternal({ url }) {
      if (!isAllowedExternal(url)) {
        throw new AppFailure('forbidden', 'Only https links (or this computer’s own pages) can be opened.');
      }
      await ports.openExternal(url);
      return null;
    },
    async openDataFolder() {
      if (!ports.openPath) {
        const message = `Opening folders needs the desktop app. The data folder is ${ports.dataDir}`;
        throw new AppFailure('not_supported', message);
      }
      await ports.openPath(ports.dataDir).catch((err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        throw new AppFailure('internal', `The folder could not be opened: ${why}`);
      });
      return null;
    },
  };
}
