/**
 * `npm run soak [-- --minutes N]` (default 10; not in CI): the relay as a real process under mixed webhook traffic
 * for several channels, raw SSE subscribers that drop and resume every few seconds, one real desktop sync engine,
 * and a graceful relay restart halfway. Prints relay memory over time and the lost/duplicated counts; exits 1 when
 * anything acknowledged was lost or delivered twice.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CreateChannelResponse } from '../../common/relay';
import { openBookingStore } from '../../main/core/bookings/booking-store';
import { createChannel, ingest } from '../support/app/relay-harness';
import { signCalBody } from '../../main/core/sync/signature';
import { rawRequest } from '../security/raw-http';
import type { Child } from './child-process';
import { startRelayProcess } from './child-process';
import { recordingEngine } from './sync-fixture';
import { createdBody, relayUidCounts } from './webhook-traffic';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    channels: { type: 'string', default: '4' },
    rate: { type: 'string', default: '25' },
  },
});
const minutes = Number(values.minutes);
const channelCount = Number(values.channels);
const perSecond = Number(values.rate);
if (
  !(minutes > 0 && minutes <= 24 * 60) ||
  !(channelCount >= 1 && channelCount <= 50) ||
  !(perSecond > 0 && perSecond <= 500)
) {
  console.error('usage: soak [--minutes 0.1..1440] [--channels 1..50] [--rate webhooks/s 1..500]');
  process.exit(2);
}
const durationMs = minutes * 60_000;
const SECRET = `soak-secret-${randomBytes(8).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS of a process in MiB (Linux /proc), or NaN elsewhere. */
function rssMiB(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** A raw SSE subscriber that reconnects every 2–5 s resuming from Last-Event-ID, counting each sequence it sees. */
function subscriber(channel: CreateChannelResponse, until: () => boolean) {
  const seen = new Map<number, number>();
  let lastId: string | undefined;
  let reconnects = 0;
  const run = async () => {
    while (!until()) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 2_000 + Math.random() * 3_000);
      try {
        const res = await fetch(channel.streamUrl, {
          signal: ac.signal,
          headers: {
            accept: 'text/event-stream',
            authorization: `Bearer ${channel.token}`,
            ...(lastId ? { 'last-event-id': lastId } : {}),
          },
        });
        let buffer = '';
        const decoder = new TextDecoder();
        for await (const chunk of res.body ?? []) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: ?(\d+)$/m.exec(block)?.[1];
            const isMessage = /^data:/m.test(block) && !/^event:/m.test(block);
            if (id && isMessage) {
              seen.set(Number(id), (seen.get(Number(id)) ?? 0) + 1);
              lastId = id;
            }
          }
        }
      } catch {
        // aborted on purpose, or the relay is restarting: reconnect
      } finally {
        clearTimeout(timer);
      }
      reconnects += 1;
      await sleep(100 + Math.random() * 400);
    }
  };
  return { seen, reconnects: () => reconnects, done: run() };
}

type Kind = 'created' | 'ping' | 'forged' | 'wrong-type' | 'oversize';
const pickKind = (): Kind => {
  const r = Math.random();
  return r < 0.7 ? 'created' : r < 0.8 ? 'ping' : r < 0.9 ? 'forged' : r < 0.95 ? 'wrong-type' : 'oversize';
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lifescore-soak-'));
  let relay: Child | undefined;
  const started = Date.now();
  const elapsed = () => ((Date.now() - started) / 1000).toFixed(0).padStart(5);
  try {
    let proc = await startRelayProcess(join(dir, 'relay'), 0, { RELAY_HEARTBEAT_MS: '2000' });
    relay = proc.child;
    const url = proc.url;
    const port = Number(new URL(url).port);
    const channels = await Promise.all(Array.from({ length: channelCount }, () => createChannel(url, SECRET)));
    const stopAt = started + durationMs;
    const running = () => Date.now() >= stopAt;

    const store = openBookingStore(join(dir, 'app-bookings.sqlite'));
    const app = recordingEngine(store, url, channels[0] as CreateChannelResponse, SECRET, { silenceBudgetMs: 6_000 });
    await app.engine.start();
    // Subscribers outlive the traffic: they stop once they have caught up with everything acknowledged (or 30 s).
    let subscribersDone = false;
    const subs = channels.map((c) => subscriber(c, () => subscribersDone));

    const accepted = channels.map(() => new Map<number, string>()); // seq → uid, for each 2xx
    const tally = new Map<string, number>();
    const count = (k: string) => tally.set(k, (tally.get(k) ?? 0) + 1);
    let n = 0;
    const inflight = new Set<Promise<void>>();
    const traffic = (async () => {
      while (!running()) {
        const i = Math.floor(Math.random() * channels.length);
        const ch = channels[i] as CreateChannelResponse;
        const kind = pickKind();
        n += 1;
        const uid = kind === 'ping' ? `ping-${n}` : `soak-${i}-${n}`;
        const body =
          kind === 'ping'
            ? JSON.stringify({ triggerEvent: 'PING', createdAt: new Date().toISOString(), payload: { n } })
            : createdBody(uid);
        const post = (async () => {
          let status = 0;
          let seq: number | undefined;
          if (kind === 'created' || kind === 'ping') {
            const res = await rawRequest(
              ch.ingestUrl,
              'POST',
              { 'content-type': 'application/json', 'x-cal-signature-256': signCalBody(SECRET, body) },
              Buffer.from(body),
            );
            status = res.status;
            if (status === 200) seq = (JSON.parse(res.body) as { seq: number }).seq;
          } else if (kind === 'forged')
            status = await ingest(ch.ingestUrl, body, 'not-the-secret-0000000').catch(() => 0);
          else if (kind === 'wrong-type')
            status = (await rawRequest(ch.ingestUrl, 'POST', { 'content-type': 'text/plain' }, Buffer.from(body)))
              .status;
          else
            status = (
              await rawRequest(
                ch.ingestUrl,
                'POST',
                { 'content-type': 'application/json' },
                Buffer.alloc(2 * 1024 * 1024, 0x20),
              )
            ).status;
          count(`${kind} ${status}`);
          if (seq !== undefined) accepted[i]?.set(seq, uid);
        })();
        inflight.add(post);
        void post.finally(() => inflight.delete(post));
        await sleep(1000 / perSecond);
      }
    })();

    const memory: Array<{ t: string; rss: number; incarnation: number }> = [];
    let incarnation = 1;
    const sampleEvery = Math.max(2_000, Math.min(30_000, durationMs / 20));
    const sampler = (async () => {
      while (!running()) {
        memory.push({ t: elapsed(), rss: rssMiB(relay?.process.pid), incarnation });
        console.log(
          `[soak] t=${elapsed()}s relay#${incarnation} rss=${memory.at(-1)?.rss.toFixed(1)} MiB sent=${n} app applied=${app.changed.size} state=${app.engine.state().status}`,
        );
        await sleep(sampleEvery);
      }
    })();

    // Halfway: a graceful deploy (SIGTERM), then the same data folder and port.
    await sleep(durationMs / 2);
    console.log(`[soak] t=${elapsed()}s restarting the relay (SIGTERM)`);
    await relay.kill('SIGTERM');
    await sleep(1_000);
    proc = await startRelayProcess(join(dir, 'relay'), port, { RELAY_HEARTBEAT_MS: '2000' });
    relay = proc.child;
    incarnation = 2;

    await traffic;
    await sampler;
    await Promise.all([...inflight]);
    const caughtUpBy = Date.now() + 30_000;
    while (
      Date.now() < caughtUpBy &&
      subs.some((s, i) => [...(accepted[i]?.keys() ?? [])].some((seq) => !s.seen.has(seq)))
    )
      await sleep(250);
    subscribersDone = true;
    await Promise.all(subs.map((s) => s.done));
    memory.push({ t: elapsed(), rss: rssMiB(relay.process.pid), incarnation });

    // What the relay kept (pull endpoint), and whether the desktop engine applied channel 0's bookings.
    let lost = 0;
    let storedTwice = 0;
    for (const [i, ch] of channels.entries()) {
      const log = await relayUidCounts(url, ch);
      const kept = new Set(log.seqs);
      for (const seq of accepted[i]?.keys() ?? []) if (!kept.has(seq)) lost += 1;
      storedTwice += [...log.counts].filter(([uid, c]) => uid !== undefined && c > 1).length;
    }
    const createdOnApp = [...(accepted[0]?.values() ?? [])].filter((u) => u.startsWith('soak-'));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && createdOnApp.some((u) => store.get(u) === null)) await sleep(250);
    const appMissing = createdOnApp.filter((u) => store.get(u) === null).length;
    const appTwice = [...app.changed.values()].filter((c) => c > 1).length;
    let streamMissing = 0;
    let streamTwice = 0;
    for (const [i, s] of subs.entries()) {
      for (const seq of accepted[i]?.keys() ?? []) if (!s.seen.has(seq)) streamMissing += 1;
      streamTwice += [...s.seen.values()].filter((c) => c > 1).length;
    }
    await app.engine.stop();
    store.close();

    const secondLife = memory.filter((m) => m.incarnation === 2 && Number.isFinite(m.rss));
    console.log('\n[soak] relay memory (RSS MiB):');
    for (const m of memory) console.log(`  t=${m.t}s  relay#${m.incarnation}  ${m.rss.toFixed(1)}`);
    console.log(
      `\n[soak] ${minutes} min, ${channelCount} channels, ~${perSecond} webhooks/s, ${n} sent; outcomes ${JSON.stringify(Object.fromEntries([...tally].sort()))}`,
    );
    console.log(`[soak] subscriber reconnects: ${subs.map((s) => s.reconnects()).join(', ')}`);
    const acked = accepted.reduce((a, m) => a + m.size, 0);
    console.log(`[soak] acknowledged ${acked}; lost at the relay ${lost}; stored twice ${storedTwice}`);
    console.log(`[soak] SSE subscribers: missing ${streamMissing}, delivered twice ${streamTwice}`);
    console.log(
      `[soak] desktop sync engine (channel 0): bookings acknowledged ${createdOnApp.length}, not applied ${appMissing}, applied twice ${appTwice}`,
    );
    if (secondLife.length >= 2)
      console.log(
        `[soak] relay#2 memory first→last: ${secondLife[0]?.rss.toFixed(1)} → ${secondLife.at(-1)?.rss.toFixed(1)} MiB`,
      );
    const failed = lost + storedTwice + streamMissing + streamTwice + appMissing + appTwice > 0;
    console.log(failed ? '[soak] FAILED' : '[soak] OK: nothing lost, nothing duplicated');
    process.exitCode = failed ? 1 : 0;
  } finally {
    await relay?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
