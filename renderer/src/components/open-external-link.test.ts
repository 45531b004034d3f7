import { describe, expect, it, vi } from 'vitest';
import { EXTERNAL_URL_REFUSED } from '../../../common/external-url-policy';
import { ApiError } from '../api/api-client';
import { openExternalLink } from './open-external-link';

function deps(inBrowserHost: boolean, system: (url: string) => Promise<unknown> = async () => null) {
  return { inBrowserHost, openTab: vi.fn(), openInSystemBrowser: vi.fn(system), showError: vi.fn() };
}

describe('openExternalLink', () => {
  it.each([true, false])(
    'opens an allowed link (browser host: %s), normalized, with no error shown',
    async (inBrowserHost) => {
      const d = deps(inBrowserHost);
      await openExternalLink('https://Meet.Example.org/room-42', d);
      const opened = inBrowserHost ? d.openTab : d.openInSystemBrowser;
      expect(opened).toHaveBeenCalledWith('https://meet.example.org/room-42');
      expect(d.showError).not.toHaveBeenCalled();
    },
  );

  it.each([true, false])(
    'shows the refusal of a link the policy refuses (browser host: %s), opening nothing',
    async (inBrowserHost) => {
      const d = deps(inBrowserHost);
      await openExternalLink('http://example.com/room', d);
      expect(d.showError).toHaveBeenCalledWith(`Could not open the link: ${EXTERNAL_URL_REFUSED}`);
      expect(d.openTab).not.toHaveBeenCalled();
      expect(d.openInSystemBrowser).not.toHaveBeenCalled();
    },
  );

  it("shows main's typed refusal (the openExternal API's `forbidden`) instead of doing nothing", async () => {
    const d = deps(false, async () => {
      throw new ApiError('forbidden', EXTERNAL_URL_REFUSED);
    });
    await openExternalLink('https://meet.example.org/room-42', d);
    expect(d.showError).toHaveBeenCalledWith(`Could not open the link: ${EXTERNAL_URL_REFUSED}`);
  });
});
