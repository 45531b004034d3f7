import { parentPort } from 'node:worker_threads';
import { planFromBody, type PlanInput, type PlanResult } from './planner';
import { renderBatch, type RenderRequest } from './render-batch';

/** Worker-thread entry of the threaded planner: plans (small jobs) and renders (complete messages) on request. */

/** Plans come in batches (planner-proxy.ts sends those asked together as one message); renders one batch each. */
type Request =
  | { readonly id: number; readonly inputs: readonly PlanInput[] }
  | { readonly id: number; readonly render: RenderRequest };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

const port = parentPort;
if (!port) throw new Error('planner-worker.ts runs as a worker thread');
port.on('message', (msg: Request) => {
  if ('render' in msg) {
    renderBatch(msg.render).then(
      (output) => port.postMessage({ id: msg.id, output }),
      (err: unknown) => port.postMessage({ id: msg.id, error: messageOf(err) }),
    );
    return;
  }
  const output = msg.inputs.map((input): PlanResult => {
    try {
      return { output: planFromBody(input) };
    } catch (err) {
      return { error: messageOf(err) };
    }
  });
  port.postMessage({ id: msg.id, output });
});
