import { apiMethods } from '../../common/api';
import type { ApiHandlers } from '../../common/api';

/**
 * ApiHandlers that wait for the core: IPC is registered before the window loads (a page that calls before
 * registration gets "No handler registered"), while the core is still being imported and built. If building it
 * failed, every call answers with that failure (the window shows the error page meanwhile).
 */
export function deferredHandlers(core: Promise<{ readonly handlers: ApiHandlers }>): ApiHandlers {
  const entries = apiMethods.map(
    (method) =>
      [
        method,
        async (input: never) => ((await core).handlers[method] as (i: never) => Promise<unknown>)(input),
      ] as const,
  );
  return Object.fromEntries(entries) as unknown as ApiHandlers;
}
