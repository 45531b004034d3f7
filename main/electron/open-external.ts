import { decideExternalUrl, EXTERNAL_URL_REFUSED } from '../../common/external-url-policy';
import { AppFailure } from '../../common/errors';

/**
 * The one helper every path to `shell.openExternal` uses (window.open, will-navigate, the core's port behind the
 * openExternal API). It applies common/external-url-policy.ts — the same rule the renderer and the core apply —
 * as the last gate: opening an untrusted URL can launch programs (Electron security checklist, "Do not use
 * openExternal with untrusted content"). A refusal is logged through `onRefused` and thrown as a `forbidden`
 * AppFailure, so the openExternal API answers `{ ok: false, error }` and the renderer shows it (never silent).
 */
export function createOpenExternal(
  open: (url: string) => Promise<void>,
  onRefused: (url: string, reason: string) => void,
): (url: string) => Promise<void> {
  return async (raw) => {
    const decision = decideExternalUrl(raw);
    if (!decision.allowed) {
      onRefused(String(raw).slice(0, 200), decision.reason);
      throw new AppFailure('forbidden', EXTERNAL_URL_REFUSED);
    }
    await open(decision.url);
  };
}
