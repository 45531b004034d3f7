import fs from 'node:fs';
import os from 'node:os';
import { afterEach, expect, it } from 'vitest';
import { planFromBody, type EmailPlanner, type PlanInput } from './planner';
import { eventOf, sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
import { danaProfile } from '../../../tests/support/relay/mail/mail-test-kit';
import { createThreadedPlanner } from './planner-proxy';
import { MAIL_THREAD_NICE } from './thread-priority';

// The relay renders emails on a worker thread (the real planner-worker.ts, started through tsx here as from sources).

const planners: EmailPlanner[] = [];
afterEach(async () => {
  await Promise.all(planners.splice(0).map((p) => p.close()));
});
const track = (p: EmailPlanner) => (planners.push(p), p);

const input = (body: unknown, seq = 1): PlanInput => ({
  channelId: 'ch_planner_test',
  body: eventOf(seq, body).body,
  profile: danaProfile,
  publicUrl: 'https://relay.example',
  now: Date.UTC(2026, 10, 26, 9),
});

it('renders on the worker thread exactly what the inline planner renders', async () => {
  const errors: Error[] = [];
  const planner = track(createThreadedPlanner((e) => errors.push(e)));
  for (const env of [
    sandboxEnvelopes.created,
    sandboxEnvelopes.rescheduled,
    sandboxEnvelopes.cancelled,
    sandboxEnvelopes.ping,
  ]) {
    expect(await planner.plan(input(env))).toEqual(planFromBody(input(env)));
  }
  const created = await planner.plan(input(sandboxEnvelopes.created));
  const kinds = created.kind === 'planned' ? created.items.map((i) => i.kind) : [];
  expect(kinds[0]).toBe('created:organizer');
  expect(kinds.slice(1).length).toBeGreaterThan(0);
  expect(new Set(kinds.slice(1))).toEqual(new Set(['created:attendee']));
  expect(await planner.plan({ ...input({}), body: Buffer.from([0xff, 0xfe]) })).toEqual({ kind: 'ignored' });
  expect(errors).toEqual([]);
});

it('answers concurrent requests each with its own result', async () => {
  const planner = track(createThreadedPlanner(() => {}));
  const envs = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? sandboxEnvelopes.created : sandboxEnvelopes.ping));
  const outputs = await Promise.all(envs.map((env, i) => planner.plan(input(env, i + 1))));
  expect(outputs.map((o) => o.kind)).toEqual(envs.map((_, i) => (i % 2 === 0 ? 'planned' : 'ignored')));
});

it('fails the requests a dying worker held, then starts a new one for the next request', async () => {
  let starts = 0;
  // First start: a worker that dies on its first message; later starts: the real planner thread.
  const real = new URL('./planner-worker.ts', import.meta.url).href;
  const planner = track(
    createThreadedPlanner(
      () => {},
      () =>
        ++starts === 1
          ? {
              url: new URL(
                "data:text/javascript,import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3));",
              ),
            }
          : { url: new URL('./ts-worker-bootstrap.mjs', import.meta.url), workerData: { entry: real } },
    ),
  );
  await expect(planner.plan(input(sandboxEnvelopes.created))).rejects.toThrow(/exited \(3\)/);
  expect((await planner.plan(input(sandboxEnvelopes.created))).kind).toBe('planned');
  expect(starts).toBe(2);
});

it('rejects what is still queued when closed, and can be used again after', async () => {
  const planner = track(createThreadedPlanner(() => {}));
  const queued = planner.plan(input(sandboxEnvelopes.created));
  await planner.close();
  await expect(queued).rejects.toThrow(/closed|exited/);
  expect((await planner.plan(input(sandboxEnvelopes.ping))).kind).toBe('ignored');
});

/** Nice values of this process's threads (Linux: field 19 of /proc/self/task/<tid>/stat), by thread id. */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, nice field 19.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nices.set(Number(tid), Number(after[16]));
  }
  return nices;
}

it.runIf(process.platform === 'linux')(
  'runs the mail thread below the priority of the thread that answers webhooks (issue 18), and only that thread',
  async () => {
    const before = threadNices();
    const planner = track(createThreadedPlanner(() => undefined));
    await planner.plan(input(sandboxEnvelopes.created));
    const lowered = [...threadNices()].filter(([tid, nice]) => !before.has(tid) && nice === MAIL_THREAD_NICE);
    expect(lowered).toHaveLength(1);
    expect(threadNices().get(process.pid)).toBe(before.get(process.pid));
    expect(os.getPriority()).toBe(before.get(process.pid));
  },
);
