import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { RELAY_HEAP_GROWING_PERCENT } from './heap-tuning';

// setFlagsFromString only prints an unknown flag to stderr and goes on: these catch a Node whose V8 dropped it,
// where the relay would silently run with V8's own factor (its effect on RSS is measured by npm run bench).
it('the running V8 knows the heap flag the relay sets', () => {
  const run = spawnSync(process.execPath, [`--heap-growing-percent=${RELAY_HEAP_GROWING_PERCENT}`, '-e', '0'], {
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

it('tuneRelayHeap sets it without complaint, in a process of its own', () => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '-e', "import('./server/relay/heap-tuning.ts').then((m) => m.tuneRelayHeap())"],
    { encoding: 'utf8' },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});
