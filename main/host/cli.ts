import { resolve } from 'node:path';
import { runBrowserHost } from './run-host';

/**
 * `npm run host`: the desktop app's core and renderer in your browser (for machines without Electron, and for
 * the end-to-end tests). Build the renderer first (`npm run build`). Prints the one URL to open.
 */
const root = resolve(import.meta.dirname, '../..');

try {
  const running = await runBrowserHost({ root });
  process.stdout.write(
    `LifeScore Consultant (browser host) is running.\n  Open: ${running.host.url}\n  Data: ${running.dataDir}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[app] ${signal}: stopping\n`);
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`[app] stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  process.stderr.write(`LifeScore Consultant could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
