import { describe, expect, it, vi } from 'vitest';
import type { ApiHandlers } from '../../common/api';
import { EXTERNAL_URL_REFUSED } from '../../common/external-url-policy';
import { AppFailure } from '../../common/errors';
import { dispatchApiCall } from '../core/api-dispatch';
import { createOpenExternal } from './open-external';

// Which URLs pass is common/external-url-policy.test.ts's table; this file tests what the glue does with a decision.
describe('createOpenExternal', () => {
  it('opens allowed URLs (normalized), and refuses others without opening them: logged and thrown', async () => {
    const open = vi.fn(async () => undefined);
    const refused = vi.fn();
    const openExternal = createOpenExternal(open, refused);
    await openExternal('https://CAL.com/jane');
    await expect(openExternal('file:///etc/passwd')).rejects.toEqual(new AppFailure('forbidden', EXTERNAL_URL_REFUSED));
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith('https://cal.com/jane');
    expect(refused).toHaveBeenCalledWith('file:///etc/passwd', expect.stringContaining('file:'));
  });

  it('opens a meeting on a host no list names (the Join button that did nothing, issue 20)', async () => {
    const open = vi.fn(async () => undefined);
    await createOpenExternal(open, () => undefined)('https://meet.example.org/room-42');
    expect(open).toHaveBeenCalledWith('https://meet.example.org/room-42');
  });

  it('a refusal reaches the renderer as a typed error through the API boundary, not as silence', async () => {
    const open = vi.fn(async () => undefined);
    const openExternal = createOpenExternal(open, () => undefined);
    const handlers = {
      openExternal: ({ url }: { url: string }) => openExternal(url).then(() => null),
    } as unknown as ApiHandlers;
    expect(await dispatchApiCall(handlers, 'openExternal', { url: 'http://example.com/room' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: EXTERNAL_URL_REFUSED },
    });
    expect(await dispatchApiCall(handlers, 'openExternal', { url: 'https://meet.example.org/room' })).toEqual({
      ok: true,
      data: null,
    });
    expect(open).toHaveBeenCalledTimes(1);
  });
});
