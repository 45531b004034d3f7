import { tuneRelayHeap } from './heap-tuning';
import { createRelay, loadRelayConfig, type RelayConfig } from './index';

tuneRelayHeap();

// Entry point for `npm run relay`: configuration from the environment alone.
let config: RelayConfig;
try {
  config = loadRelayConfig(process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const relay = createRelay(config);
try {
  const url = await relay.start();
  console.log(`LifeScore relay listening on ${url} (public URL ${config.publicUrl ?? url}, data in ${config.dataDir})`);
} catch (err) {
  console.error(`LifeScore relay failed to start: ${(err as Error).message}`);
  process.exit(1);
}

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received: finishing in-flight webhooks and closing streams…`);
  relay.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('Shutdown failed:', err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
