/**
 * Polls the relay channel's status (approval, profile, other device) so the dashboard updates without a restart
 * (issue 16): every `intervalMs`, more often while sync is offline (that is when a lost channel shows), and at once
 * on nudge() (after connect, on window focus). One check at a time; a check never throws.
 */
export interface ChannelWatchDeps {
  readonly check: () => Promise<void>;
  /** True while the relay subscription is offline: the channel may be gone, so probe sooner. */
  readonly isOffline: () => boolean;
  readonly intervalMs?: number;
  readonly offlineProbeMs?: number;
}

export interface ChannelWatch {
  start(): void;
  stop(): Promise<void>;
  /** Checks now (joins a check already running). */
  nudge(): Promise<void>;
}

export function createChannelWatch(deps: ChannelWatchDeps): ChannelWatch {
  const intervalMs = deps.intervalMs ?? 60_000;
  const offlineProbeMs = deps.offlineProbeMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let inflight: Promise<void> | undefined;

  const schedule = () => {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(() => void nudge(), deps.isOffline() ? Math.min(offlineProbeMs, intervalMs) : intervalMs);
    timer.unref();
  };
  const nudge = (): Promise<void> => {
    inflight ??= deps
      .check()
      .catch(() => undefined)
      .finally(() => {
        inflight = undefined;
        schedule();
      });
    return inflight;
  };
  return {
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inflight;
    },
    nudge,
  };
}
