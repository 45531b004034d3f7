import { AppFailure } from './errors';

/**
 * A package loaded the first time it is needed, not at app start. smee-client and undici cost more to load
 * than opening the bookings database; only a connected app needs them, and only once its sync engine starts
 * (issue 10, app start). The first load is shared by every caller; a failed load is an AppFailure('internal')
 * naming the package (cause attached) and is tried again on the next call.
 */
export function lazyImport<T>(name: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw new AppFailure('internal', `Could not load ${name}.`, { cause: err });
    });
    return loading;
  };
}
