import { Worker } from 'node:worker_threads';
import type { EmailPlanner, PlanInput, PlanOutput, PlanResult } from './planner';
import type { RenderRequest, Rendered } from './render-batch';

interface Pending {
  readonly resolve: (output: never) => void;
  readonly reject: (err: Error) => void;
}

/**
 * The worker's entry: beside this module when the relay runs from sources (through a bootstrap that registers tsx);
 * `planner-thread.mjs` (this folder's planner-worker.ts, bundled under the artifact's old name) beside the bundle when
 * the relay is bundled (bench/bundle.ts and scripts/build-relay.ts build it there).
 */
function workerEntry(): { url: URL; workerData?: unknown } {
  const here = import.meta.url;
  if (here.endsWith('.ts'))
    return {
      url: new URL('./ts-worker-bootstrap.mjs', here),
      workerData: { entry: new URL('./planner-worker.ts', here).href },
    };
  return { url: new URL('./planner-thread.mjs', here) };
}

/**
 * Plans and renders emails on a worker thread, so a burst of webhooks is acknowledged at the speed of verify + commit
 * while parsing each booking and, at send time, rendering each email (HTML, text, invite, MIME) runs on another core. The worker starts on the first request and again after it dies; requests it had not answered fail (the
 * mailer's catch-up plans those events again from the event log).
 */
export function createThreadedPlanner(
  onWorkerError: (err: Error) => void,
  entry: () => { url: URL; workerData?: unknown } = workerEntry,
): EmailPlanner {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const start = (): Worker => {
    const e = entry();
    const w = new Worker(e.url, {
      ...(e.workerData ? { workerData: e.workerData } : {}),
      // Rendering makes many short-lived strings: with V8's default young generation the thread added ~40 MB of RSS
      // during a burst (issue 18, measured on a one-channel burst); 4 MB keeps it small for more, cheap scavenges.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // An idle planner must not keep the process alive; pending requests ref it again (see plan()).
    w.unref();
    w.on('message', (msg: { id: number; output?: never; error?: string }) => {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.output) p.resolve(msg.output);
      else p.reject(new Error(msg.error ?? 'email planner failed'));
      if (pending.size === 0) w.unref();
    });
    w.on('error', (err) => {
      onWorkerError(err);
      failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`email planner thread exited (${code})`));
    });
    return w;
  };

  const ask = <T>(message: Record<string, unknown>): Promise<T> => {
    const w = (worker ??= start());
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (output: never) => void, reject });
      w.ref();
      w.postMessage({ id, ...message });
    });
  };

  // Plans asked in one turn of the microtask queue go to the thread as ONE message and come back as one (issue 18):
  // the mailer plans a whole batch of stored bookings at once, and two postMessage per booking were a visible share
  // of the main thread's time. Each plan still resolves, or fails, on its own.
  let batch: Array<{
    readonly input: PlanInput;
    readonly resolve: (output: PlanOutput) => void;
    readonly reject: (err: Error) => void;
  }> = [];
  const sendBatch = () => {
    const sent = batch;
    batch = [];
    if (sent.length === 0) return; // closed meanwhile (close() failed them)
    ask<PlanResult[]>({ inputs: sent.map((b) => b.input) }).then(
      (results) =>
        sent.forEach((b, i) => {
          const r = results[i];
          if (r && 'output' in r) b.resolve(r.output);
          else b.reject(new Error(r?.error ?? 'email planner failed'));
        }),
      (err: Error) => sent.forEach((b) => b.reject(err)),
    );
  };

  return {
    plan: (input: PlanInput) =>
      new Promise<PlanOutput>((resolve, reject) => {
        if (batch.length === 0) queueMicrotask(sendBatch);
        batch.push({ input, resolve, reject });
      }),
    render: (request: RenderRequest) => ask<Rendered[]>({ render: request }),
    async close() {
      const w = worker;
      worker = undefined;
      // Plans not yet sent fail like the ones the thread held.
      for (const b of batch.splice(0)) b.reject(new Error('email planner closed'));
      if (w) await w.terminate();
      failAll(new Error('email planner closed'));
    },
  };
}
