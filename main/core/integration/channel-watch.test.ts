import { describe, expect, it } from 'vitest';
import { createChannelWatch } from './channel-watch';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createChannelWatch', () => {
  it('checks on its interval, sooner while sync is offline, and never after stop()', async () => {
    let checks = 0;
    let offline = false;
    const watch = createChannelWatch({
      check: async () => void checks++,
      isOffline: () => offline,
      intervalMs: 10_000,
      offlineProbeMs: 20,
    });
    watch.start();
    await sleep(80);
    expect(checks).toBe(0); // online: the next check is 10 s away
    offline = true;
    await watch.nudge(); // e.g. sync just went offline
    await sleep(150);
    expect(checks).toBeGreaterThanOrEqual(3);
    await watch.stop();
    const after = checks;
    await sleep(80);
    expect(checks).toBe(after);
  });

  it('joins a check already running (one at a time) and survives a failing check', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const watch = createChannelWatch({
      check: async () => {
        calls++;
        running++;
        most = Math.max(most, running);
        await sleep(30);
        running--;
        if (calls === 1) throw new Error('relay down');
      },
      isOffline: () => false,
      intervalMs: 10_000,
    });
    await Promise.all([watch.nudge(), watch.nudge(), watch.nudge()]);
    expect(calls).toBe(1);
    expect(most).toBe(1);
    await watch.nudge();
    expect(calls).toBe(2);
    await watch.stop();
  });
});
