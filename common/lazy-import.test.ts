import { describe, expect, it, vi } from 'vitest';
import { AppFailure } from './errors';
import { lazyImport } from './lazy-import';

describe('lazyImport', () => {
  it('loads once, on the first call, and shares that load', async () => {
    const load = vi.fn(async () => ({ value: 42 }));
    const get = lazyImport('thing', load);
    expect(load).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toEqual({ value: 42 });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('a failed load is AppFailure(internal) naming the package, with the cause; the next call tries again', async () => {
    const cause = new Error('Cannot find package');
    const load = vi.fn<() => Promise<string>>().mockRejectedValueOnce(cause).mockResolvedValueOnce('loaded');
    const get = lazyImport('some-package', load);
    const err = await get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppFailure);
    expect(err).toMatchObject({ code: 'internal', message: 'Could not load some-package.', cause });
    expect(await get()).toBe('loaded');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
