import { apiMethods } from '../../../common/api';
import type { ApiHandlers } from '../../../common/api';
import { AppFailure } from '../../../common/errors';
import type { AppCore, Logger } from '../ports';

/**
 * Stands in for the core when the build has no usable configuration: the window opens on the setup screen
 * (getSetupStatus says why), every other call answers with the same plain sentence, deep links are logged and
 * dropped. Nothing here touches the keychain, the database or the network.
 */
export function createSetupCore(problems: readonly string[], logger: Logger): AppCore {
  const refuse = async () => {
    throw new AppFailure(
      'not_supported',
      'This copy of LifeScore Consultant is not set up yet: it does not know its Cal.com and relay addresses.',
    );
  };
  const handlers = Object.fromEntries(apiMethods.map((method) => [method, refuse])) as unknown as ApiHandlers;
  handlers.getSetupStatus = async () => ({ configured: false, problems: [...problems] });
  handlers.rendererReady = async () => null;
  return {
    handlers,
    onEvent: () => () => undefined,
    async handleDeepLink() {
      logger.warn('ignored a link: the app is not set up');
    },
    async start() {
      logger.warn('the app has no usable configuration; showing the setup screen', { problems: [...problems] });
    },
    async stop() {},
  };
}
