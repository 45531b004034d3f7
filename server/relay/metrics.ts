import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { channelLabel } from './crypto';
import type { RelayStore } from './store/types';

/** The relay's Prometheus metrics, on a registry of its own so several relays can live in one process (tests). */
export interface RelayMetrics {
  readonly registry: Registry;
  readonly ingestTotal: Counter<'outcome'>;
  readonly ingestSeconds: Histogram<'outcome'>;
  readonly openStreams: Gauge;
  /** Stream requests answered 200 + retry and ended at once, by why: shutdown, capacity, client_limit, rate_limited. */
  readonly streamRefusals: Counter<'reason'>;
  /** Streams ended because a newer one opened on a channel already at RELAY_MAX_STREAMS_PER_CHANNEL. */
  readonly streamsReplaced: Counter;
  readonly storageErrors: Counter;
}

/** Creates the metrics; backlog per channel is read from storage at scrape time, labelled by a hash of the id. */
export function createMetrics(
  store: () => RelayStore | undefined,
  onStorageError: (err: unknown) => void,
): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'relay_' });
  const storageErrors = new Counter({
    name: 'relay_storage_errors_total',
    help: 'Storage operations that failed',
    registers: [registry],
  });
  new Gauge({
    name: 'relay_channel_backlog',
    help: 'Unacknowledged events per channel (label: hash of the channel id, never the id itself)',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      this.reset();
      const s = store();
      if (!s) return;
      try {
        for (const row of await s.backlog()) this.set({ channel: channelLabel(row.channelId) }, row.count);
      } catch (err) {
        storageErrors.inc();
        onStorageError(err);
      }
    },
  });
  return {
    registry,
    storageErrors,
    ingestTotal: new Counter({
      name: 'relay_ingest_total',
      help: 'Webhook ingest requests by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    ingestSeconds: new Histogram({
      name: 'relay_ingest_duration_seconds',
      help: 'Webhook ingest latency (until the durable commit) by outcome',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5],
      registers: [registry],
    }),
    openStreams: new Gauge({ name: 'relay_open_streams', help: 'Open SSE streams', registers: [registry] }),
    streamRefusals: new Counter({
      name: 'relay_stream_refusals_total',
      help: 'Stream requests answered with retry and ended at once, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    streamsReplaced: new Counter({
      name: 'relay_streams_replaced_total',
      help: 'Streams ended for a newer one on a channel at its stream limit',
      registers: [registry],
    }),
  };
}
