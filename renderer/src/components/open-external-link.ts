import { decideExternalUrl, EXTERNAL_URL_REFUSED } from '../../../common/external-url-policy';
import { errorMessage } from './error-text';

/** Where a link can go, and how the window shows a problem (a toast, in the app). */
export interface OpenExternalLinkDeps {
  /** True in the browser host, where the page opens other sites as tabs itself. */
  readonly inBrowserHost: boolean;
  readonly openTab: (url: string) => void;
  /** The openExternal API: main applies the same policy again before the system browser opens. */
  readonly openInSystemBrowser: (url: string) => Promise<unknown>;
  readonly showError: (message: string) => void;
}

/**
 * Opens a web page outside the app under common/external-url-policy.ts. Every refusal — the policy's here, or
 * main's typed error from the API — becomes a visible message: a link that silently did nothing was issue 20's bug.
 */
export async function openExternalLink(raw: string, deps: OpenExternalLinkDeps): Promise<void> {
  const decision = decideExternalUrl(raw);
  if (!decision.allowed) {
    deps.showError(`Could not open the link: ${EXTERNAL_URL_REFUSED}`);
    return;
  }
  if (deps.inBrowserHost) {
    deps.openTab(decision.url);
    return;
  }
  try {
    await deps.openInSystemBrowser(decision.url);
  } catch (err) {
    deps.showError(`Could not open the link: ${errorMessage(err)}`);
  }
}
