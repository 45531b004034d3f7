import { parentPort } from 'node:worker_threads';
import { planFromBody, type PlanInput } from './email-planner';

/** Worker-thread entry of the threaded planner: answers each request in arrival order. */

interface Request {
  readonly id: number;
  readonly input: PlanInput;
}

const port = parentPort;
if (!port) throw new Error('planner-thread.ts runs as a worker thread');
port.on('message', ({ id, input }: Request) => {
  try {
    port.postMessage({ id, output: planFromBody(input) });
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
