import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { channelLabel } from './crypto';
import type { RelayStore } from './store/types';

const BACKLOG_SERIES = 100;

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
  // Per-channel series only for the channels furthest behind: anyone can create channels, and a series each (empty
  // ones included) made a scrape of 200,000 channels 9 MiB long. The totals cover the rest. A scrape collects every
  // metric at once: the three share one read of the backlog.
  let reading: Promise<Array<{ channelId: string; count: number }>> | undefined;
  const behindNow = () => {
    reading ??= (async () => {
      const s = store();
      if (!s) return [];
      try {
        return (await s.backlog()).filter((row) => row.count > 0).sort((a, b) => b.count - a.count);
      } catch (err) {
        storageErrors.inc();
        onStorageError(err);
        return [];
      }
    })().finally(() => (reading = undefined));
    return reading;
  };
  new Gauge({
    name: 'relay_channel_backlog',
    help: `Unacknowledged events of the ${BACKLOG_SERIES} channels furthest behind (label: hash of the channel id, never the id itself)`,
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      const rows = await behindNow();
      this.reset();
      for (const row of rows.slice(0, BACKLOG_SERIES)) this.set({ channel: channelLabel(row.channelId) }, row.count);
    },
  });
  new Gauge({
    name: 'relay_backlog_events',
    help: 'Unacknowledged events over all channels',
    registers: [registry],
    async collect() {
      this.set((await behindNow()).reduce((n, row) => n + row.count, 0));
    },
  });
  new Gauge({
    name: 'relay_channels_behind',
    help: 'Channels with unacknowledged events',
    registers: [registry],
    async collect() {
      this.set((await behindNow()).length);
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
