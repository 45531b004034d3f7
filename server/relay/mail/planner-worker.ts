import { parentPort } from 'node:worker_threads';
import { planFromBody, type PlanInput, type PlanResult } from './planner';
import { renderBatch, type RenderRequest, type Rendered } from './render-batch';
import { lowerThisThreadPriority } from './thread-priority';

/** Worker-thread entry of the threaded planner: plans (small jobs) and renders (complete messages) on request. */

/** Plans come in batches (planner-proxy.ts sends those asked together as one message); renders one batch each. */
type Request =
  | { readonly id: number; readonly inputs: readonly PlanInput[] }
  | { readonly id: number; readonly render: RenderRequest };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The messages' memory moves to the main thread instead of being copied by postMessage (issue 18: the clone was the
 * mail thread's largest item after rendering, and the main thread's copy of each 6–9 KB message was garbage soon
 * after). Only a buffer a message has to itself moves: a small one shares Node's pool slab with other data.
 */
function ownBuffers(output: readonly Rendered[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const r of output) {
    if (!r.ok || r.raw.byteLength === 0) continue;
    const buffer = r.raw.buffer;
    if (buffer instanceof ArrayBuffer && r.raw.byteOffset === 0 && r.raw.byteLength === buffer.byteLength)
      list.push(buffer);
  }
  return list;
}

const port = parentPort;
if (!port) throw new Error('planner-worker.ts runs as a worker thread');
// Rendering and writing emails competes for the cores with the thread that answers webhooks: when both want the
// CPU, the webhooks go first and the emails follow a little later (issue 18: traced at 1,000 webhooks/s, the relay's
// loop and commits were quick while the two cores were shared with this thread).
lowerThisThreadPriority();
port.on('message', (msg: Request) => {
  if ('render' in msg) {
    renderBatch(msg.render).then(
      (output) => port.postMessage({ id: msg.id, output }, ownBuffers(output)),
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
