/**
 * Chromium switches that open the page to other local processes: the DevTools protocol on a port or a pipe. No
 * Electron fuse covers them (the Node inspector's switches have theirs: enableNodeCliInspectArguments), so a release
 * started with `--remote-debugging-port=9222` let any process on the machine drive the window and call every API
 * method the page has (security review 42). A packaged build refuses to start with them.
 */
export const DEBUGGING_SWITCHES = ['remote-debugging-port', 'remote-debugging-pipe'] as const;

/** The debugging switches present on the command line (app.commandLine.hasSwitch fits). */
export function debuggingSwitches(hasSwitch: (name: string) => boolean): string[] {
  return DEBUGGING_SWITCHES.filter((name) => hasSwitch(name));
}
