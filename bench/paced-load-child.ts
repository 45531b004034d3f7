import { pacedLoad, type PacedRequest } from './paced-load';

/**
 * The rated run's sender (pacedLoadInChild): a process of its own, so the latencies it records are the server's and
 * not left over from the bench process's own work. Run in the bench process right after autocannon's 64-connection
 * run, the same paced load measured a bare node:http server at p99 12–42 ms; from a fresh process, against the same
 * server at the same moment, 3–5 ms.
 */

export interface PacedLoadRun {
  readonly type: 'run';
  readonly url: string;
  /** Sent in this order, cycling if the run needs more. */
  readonly requests: readonly PacedRequest[];
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
}

process.on('message', (msg: PacedLoadRun | { type: 'stop' }) => {
  if (msg.type === 'stop') return void process.exit(0);
  if (msg.type !== 'run') return;
  let next = 0;
  const take = () => msg.requests[next++ % msg.requests.length] as PacedRequest;
  void pacedLoad(msg.url, take, msg).then(
    (run) => process.send?.({ type: 'done', run }),
    (err: unknown) => process.send?.({ type: 'done', error: String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
