import v8 from 'node:v8';

/**
 * How far V8 lets the relay's old generation grow past what survived the last full collection before the next one
 * (V8's own factor is up to 4×). The relay's survivors are small (~20 MB) but a burst promotes ~50 MB/s of request
 * and mail objects that die soon after, so at 4× the heap sat at ~100 MB for garbage alone. At 1.5× a burst of
 * 20,000 webhooks peaked at 192–203 MB of RSS instead of 253–277, with no change in CPU per webhook or ingest
 * latency the bench could tell from its noise (issue 18, README Performance).
 */
export const RELAY_HEAP_GROWING_PERCENT = 50;

/**
 * Applies the relay's heap settings to this process. Set at run time, not as a node flag: every way the relay is
 * started (`npm run relay`, the release artifact, the container, systemd) gets it, and a future V8 without the flag
 * ignores it instead of refusing to start. V8 reads the factor at each full collection, so setting it at start
 * takes effect for the whole run.
 */
export function tuneRelayHeap(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${RELAY_HEAP_GROWING_PERCENT}`);
}
