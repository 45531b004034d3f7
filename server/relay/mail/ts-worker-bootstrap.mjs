// Starts a TypeScript worker when the relay runs from sources (tsx, vitest): workers don't inherit tsx's loader.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
