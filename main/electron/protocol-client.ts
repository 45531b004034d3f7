import { APP_SCHEME, DEV_APP_SCHEME } from '../../common/deep-link';

/** The scheme this build answers: development builds never steal the installed app's links. */
export function appSchemeFor(packaged: boolean): string {
  return packaged ? APP_SCHEME : DEV_APP_SCHEME;
}

export interface ProtocolClientRegistration {
  readonly scheme: string;
  /** Omitted for a packaged app: Electron registers the app's own executable. */
  readonly path?: string;
  readonly args?: readonly string[];
}

/**
 * What to pass to `app.setAsDefaultProtocolClient`. When run as `electron .` (process.defaultApp) the OS must
 * start Electron with our app folder, else it would open Electron's default app (Electron's deep-link tutorial).
 */
export function protocolClientRegistration(input: {
  readonly packaged: boolean;
  readonly defaultApp: boolean;
  readonly execPath: string;
  readonly appPath: string | undefined;
}): ProtocolClientRegistration {
  const scheme = appSchemeFor(input.packaged);
  if (input.defaultApp && input.appPath) return { scheme, path: input.execPath, args: [input.appPath] };
  return { scheme };
}
