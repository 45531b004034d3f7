import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMailPacer, unpacedMail } from './mail-pacer';

/** Resolves to how long (fake ms) `turn` waited. */
async function timedTurn(turn: Promise<void>): Promise<number> {
  const t0 = Date.now();
  let done = false;
  void turn.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  for (let i = 0; i < 1000 && !done; i++) await vi.advanceTimersByTimeAsync(5);
  expect(done).toBe(true);
  return Date.now() - t0;
}

describe('mail pacer (issue 18)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());
  const pacerAt = (o: Parameters<typeof createMailPacer>[0] = {}) => createMailPacer({ now: () => Date.now(), ...o });

  it('a quiet relay never waits, however much mail ran', async () => {
    const pacer = pacerAt();
    pacer.spent(1_000);
    expect(await timedTurn(pacer.turn())).toBe(0);
  });

  it('the ingest rate is webhooks per second over the recent window (busy at burst rate), and decays once ingest stops', async () => {
    const pacer = pacerAt({ windowMs: 250 });
    // 1,000/s for a second: 10 every 10 ms.
    for (let i = 0; i < 100; i++) {
      pacer.noteIngest(10);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(pacer.ingestRate()).toBeGreaterThan(900);
    expect(pacer.ingestRate()).toBeLessThan(1_100);
    expect(pacer.busy()).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(pacer.ingestRate()).toBeLessThan(1);
    expect(pacer.busy()).toBe(false);
  });

  it('during a burst a batch owes the idle time that keeps mail to its share', async () => {
    const pacer = pacerAt({ share: 0.25, burstPerSecond: 200 });
    const burst = setInterval(() => pacer.noteIngest(10), 10); // 1,000/s for the whole test
    await vi.advanceTimersByTimeAsync(500);
    pacer.spent(100); // a 100 ms batch at a 25% share owes 300 ms
    const waited = await timedTurn(pacer.turn());
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThanOrEqual(320);
    clearInterval(burst);
  });

  it('during a burst one batch runs at a time: planning and sending together keep to the share', async () => {
    const pacer = pacerAt({ share: 0.25, burstPerSecond: 200 });
    const burst = setInterval(() => pacer.noteIngest(10), 10);
    await vi.advanceTimersByTimeAsync(500);
    expect(await timedTurn(pacer.turn())).toBe(0); // the sender's batch starts
    let second = false;
    const planner = pacer.turn().then(() => {
      second = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(second).toBe(false); // the planner's batch waits for it, not only for the idle time owed
    const t0 = Date.now();
    pacer.spent(100); // ...and then for the 300 ms a 100 ms batch owes at a 25% share
    await timedTurn(planner);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(Date.now() - t0).toBeLessThanOrEqual(320);
    clearInterval(burst);
  });

  it('a quiet relay runs planning and sending side by side', async () => {
    const pacer = pacerAt();
    expect(await timedTurn(pacer.turn())).toBe(0);
    expect(await timedTurn(pacer.turn())).toBe(0);
  });

  it('the wait ends as soon as the burst does', async () => {
    const pacer = pacerAt({ share: 0.1, burstPerSecond: 200, windowMs: 100 });
    for (let i = 0; i < 50; i++) {
      pacer.noteIngest(10);
      await vi.advanceTimersByTimeAsync(10);
    }
    pacer.spent(1_000); // owes 9 s while the burst lasts
    const waited = await timedTurn(pacer.turn());
    // No more webhooks: the rate falls below 200/s within a few windows, and the turn comes then, not after 9 s.
    expect(waited).toBeLessThan(1_000);
  });

  it('mail that is already late enough is not held back (a steady flood cannot starve it)', async () => {
    const pacer = pacerAt({ share: 0.1, maxLagMs: 30_000 });
    const burst = setInterval(() => pacer.noteIngest(10), 10);
    await vi.advanceTimersByTimeAsync(500);
    pacer.spent(1_000);
    expect(await timedTurn(pacer.turn(30_000))).toBe(0);
    // A batch 29.8 s late waits only until it is 30 s late.
    pacer.spent(1_000);
    const waited = await timedTurn(pacer.turn(29_800));
    expect(waited).toBeGreaterThanOrEqual(200);
    expect(waited).toBeLessThanOrEqual(260);
    clearInterval(burst);
  });

  it('close ends every wait at once and later turns do not wait', async () => {
    const pacer = pacerAt({ share: 0.1 });
    const burst = setInterval(() => pacer.noteIngest(10), 10);
    await vi.advanceTimersByTimeAsync(500);
    pacer.spent(1_000);
    let done = false;
    const turn = pacer.turn().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(20);
    expect(done).toBe(false);
    pacer.close();
    await turn;
    expect(done).toBe(true);
    pacer.spent(1_000);
    expect(await timedTurn(pacer.turn())).toBe(0);
    clearInterval(burst);
  });

  it('batches are small during a burst and as large as wanted otherwise', async () => {
    const pacer = pacerAt({ burstBatch: 50, burstPerSecond: 200 });
    expect(pacer.batchSize(1_000)).toBe(1_000);
    const burst = setInterval(() => pacer.noteIngest(10), 10);
    await vi.advanceTimersByTimeAsync(500);
    expect(pacer.batchSize(1_000)).toBe(50);
    expect(pacer.batchSize(20)).toBe(20);
    clearInterval(burst);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(pacer.batchSize(1_000)).toBe(1_000);
  });

  it('the unpaced default never waits', async () => {
    unpacedMail.noteIngest(1_000_000);
    unpacedMail.spent(1_000_000);
    expect(await timedTurn(unpacedMail.turn())).toBe(0);
    expect(unpacedMail.ingestRate()).toBe(0);
    expect(unpacedMail.busy()).toBe(false);
    expect(unpacedMail.batchSize(1_000)).toBe(1_000);
  });
});
