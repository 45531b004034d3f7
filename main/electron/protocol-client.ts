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

/**
 * The app folder in `electron [switches…] <app> [link]`: the first argument after the executable that is not a
 * switch. Electron's tutorial uses `argv[1]`, but a launcher may put switches first (Playwright starts Electron
 * as `electron --inspect=0 --remote-debugging-port=0 .`), and registering `--inspect=0` as the app folder would
 * point the OS's lifescore-dev handler at nothing.
 */
export function appPathFromArgv(argv: readonly string[]): string | undefined {
  return argv.slice(1).find((arg) => arg !== '' && !arg.startsWith('-'));
}
