/**
 * The sandbox and relay for the Electron smoke suite, in a process of their own started with Electron's binary
 * as Node (ELECTRON_RUN_AS_NODE=1, `--import tsx`). The relay and the app share node_modules/better-sqlite3, whose
 * native addon is built for one runtime: once it is rebuilt for Electron (`npm run rebuild:electron`) only
 * Electron's Node can load it, so the relay must run there too.
 *
 * Used by `npm start` (Electron mode) and the Electron smoke suite.
 *
 * argv: one JSON DevStackOptions. Prints one line `LIFESCORE_STACK <json>`; stops when stdin closes or on SIGTERM.
 */
import { startDevStack } from './dev-stack';
import type { DevStackOptions } from './dev-stack';
import { STACK_READY_PREFIX } from './stack-info';
import type { StackInfo } from './stack-info';

async function main(): Promise<void> {
  const [json] = process.argv.slice(2);
  if (!json) throw new Error('usage: stack-process <DevStackOptions as JSON>');
  const stack = await startDevStack(JSON.parse(json) as DevStackOptions);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void stack.stop().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop).on('close', stop).resume();
  process.on('SIGTERM', stop);
  const info: StackInfo = {
    appEnv: stack.appEnv,
    sandboxUrl: stack.sandbox.url,
    relayUrl: stack.relay.url,
    mailDestination: stack.relay.mailDestination,
  };
  process.stdout.write(`${STACK_READY_PREFIX}${JSON.stringify(info)}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
