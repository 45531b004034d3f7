import type { ElectronBinary } from '../../scripts/electron-launch';

/** How to start Electron here, or the one sentence saying why these tests cannot run on this machine. */
export type ElectronPreflight =
  | { readonly ok: true; readonly executablePath: string; readonly switches: readonly string[] }
  | { readonly ok: false; readonly message: string };

export interface PreflightInput {
  readonly binary: ElectronBinary;
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Chromium refuses to start as root unless its sandbox is off. */
  readonly isRoot: boolean;
}

const DID_NOT_RUN = 'these tests did not run';

/**
 * Decides whether the Electron smoke suite can run. Missing Electron is a failure with a plain message, never
 * a skip: a green run on a machine without Electron would claim something nobody checked.
 */
export function electronPreflight(input: PreflightInput): ElectronPreflight {
  if (!input.binary.ok)
    return { ok: false, message: `Electron is not installed here: ${input.binary.reason}; ${DID_NOT_RUN}.` };
  if (input.platform === 'linux' && !input.env.DISPLAY && !input.env.WAYLAND_DISPLAY) {
    return {
      ok: false,
      message: `Electron cannot open a window here: neither DISPLAY nor WAYLAND_DISPLAY is set (on a headless machine run \`xvfb-run -a npm run test:electron\`); ${DID_NOT_RUN}.`,
    };
  }
  // Playwright starts the app with --no-sandbox on Linux (Ubuntu 24.04's AppArmor userns rule kills Chromium's
  // sandbox, electron/electron#41066); the second instance must start the same way or it dies before handing over.
  return {
    ok: true,
    executablePath: input.binary.path,
    switches: input.platform === 'linux' || input.isRoot ? ['--no-sandbox'] : [],
  };
}

/** The message when the OS keychain does not answer (the app keeps its Cal.com tokens there). */
export function keychainMissingMessage(platform: NodeJS.Platform, cause: string): string {
  const hint =
    platform === 'linux'
      ? 'on Linux without a desktop session run `bash scripts/with-keyring.sh npm run test:electron` (a private gnome-keyring)'
      : 'unlock the login keychain / Credential Manager and retry';
  return `The OS keychain does not answer (${cause}): ${hint}; ${DID_NOT_RUN}.`;
}

/**
 * The message when better-sqlite3 does not load in Electron's Node. npm installs it for Node (vitest and the relay
 * need that); Electron has another ABI, so the app needs a rebuild that only a machine with Electron can make.
 */
export function nativeModuleMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const detail =
    lines.find((l) => /NODE_MODULE_VERSION/.test(l)) ??
    lines.find((l) => /Error/.test(l)) ??
    lines.at(-1) ??
    'no output';
  return (
    `better-sqlite3 does not load in Electron here (${detail.slice(0, 300)}): run \`npm run rebuild:electron\` first, ` +
    `and \`npm rebuild better-sqlite3\` before going back to \`npm test\`; ${DID_NOT_RUN}.`
  );
}
