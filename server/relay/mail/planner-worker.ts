import { parentPort } from 'node:worker_threads';
import { planFromBody, type PlanInput } from './planner';
import { renderBatch, type RenderRequest } from './render-batch';

/** Worker-thread entry of the threaded planner: plans (small jobs) and renders (complete messages) on request. */

type Request = { readonly id: number; readonly input: PlanInput } | { readonly id: number; readonly render: RenderRequest };

const port = parentPort;
if (!port) throw new Error('planner-worker.ts runs as a worker thread');
port.on('message', (msg: Request) => {
  if ('render' in msg) {
    renderBatch(msg.render).then(
      (output) => port.postMessage({ id: msg.id, output }),
      (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  try {
    port.postMessage({ id: msg.id, output: planFromBody(msg.input) });
  } catch (err) {
    port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
