import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../main/core/integration/connect-harness';
import { startDevStack, startHostedApp } from '../../scripts/dev-stack';
import type { RunningHost } from '../../main/host/run-host';
import type { DevStack } from '../../scripts/dev-stack';

/** URLs the app asked the OS to open in the system browser; tests open them in a second page like a user would. */
export class ExternalBrowser {
  private readonly urls: string[] = [];
  private waiters: Array<(url: string) => void> = [];

  readonly open = async (url: string): Promise<void> => {
    const waiter = this.waiters.shift();
    if (waiter) waiter(url);
    else this.urls.push(url);
  };

  /** The next URL the app opens (already opened ones first). */
  next(timeoutMs = 10_000): Promise<string> {
    const queued = this.urls.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the app did not open a URL in the system browser')), timeoutMs);
      this.waiters.push((url) => {
        clearTimeout(timer);
        resolve(url);
      });
    });
  }
}

export interface E2eStack {
  readonly stack: DevStack;
  readonly app: RunningHost;
  readonly browser: ExternalBrowser;
  stop(): Promise<void>;
}

/** The whole product on loopback with fresh data, its own keychain service name, and ephemeral ports. */
export async function startE2eStack(): Promise<E2eStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifescore-e2e-'));
  const stack = await startDevStack({ dataDir, loopbackPort: await freePort() });
  const browser = new ExternalBrowser();
  const app = await startHostedApp(stack, {
    keychainService: `LifeScore Consultant e2e ${randomBytes(6).toString('hex')}`,
    openExternal: browser.open,
  });
  return {
    stack,
    app,
    browser,
    async stop() {
      await app.stop();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
