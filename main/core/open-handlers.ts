import type { ApiHandlers } from '../../common/api';
import { AppFailure } from '../../common/errors';
import { EXTERNAL_URL_REFUSED, isAllowedExternal } from '../../common/external-url-policy';
import type { AppCorePorts } from './ports';

export type OpenHandlers = Pick<ApiHandlers, 'openExternal' | 'openDataFolder'>;

/** Opening things outside the app: links the common policy allows in the browser, the data folder in the file manager. */
export function createOpenHandlers(ports: Pick<AppCorePorts, 'openExternal' | 'openPath' | 'dataDir'>): OpenHandlers {
  return {
    async openExternal({ url }) {
      if (!isAllowedExternal(url)) {
        throw new AppFailure('forbidden', EXTERNAL_URL_REFUSED);
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
