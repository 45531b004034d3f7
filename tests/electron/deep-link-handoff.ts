import { DEV_APP_SCHEME, OAUTH_CALLBACK_PATH } from '../../common/deep-link';

/** The loopback redirect Cal.com produced, as the lifescore-dev:// link the OS would hand a development build. */
export function asDeepLink(redirect: URL): string {
  if (redirect.pathname !== OAUTH_CALLBACK_PATH) throw new Error(`not an OAuth callback: ${redirect.pathname}`);
  return `${DEV_APP_SCHEME}://calcom/callback${redirect.search}`;
}

/** The command line of the second instance that carries the link (`electron . [--no-sandbox] <link>`). */
export function secondInstanceArgs(switches: readonly string[], link: string): string[] {
  return ['.', ...switches, link];
}
