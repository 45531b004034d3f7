/** The app's URL scheme; development builds use their own so they never steal an installed app's links. */
export const APP_SCHEME = 'lifescore';
export const DEV_APP_SCHEME = 'lifescore-dev';
/** Path of the OAuth callback in all three redirect forms (relay bounce, custom scheme, loopback). */
export const OAUTH_CALLBACK_PATH = '/calcom/callback';
/** The fixed loopback port registered with Cal.com for form (c) redirects. */
export const DEFAULT_LOOPBACK_PORT = 53682;
export const OAUTH_CLIENT_ID_SANDBOX = 'lifescore-desktop';
