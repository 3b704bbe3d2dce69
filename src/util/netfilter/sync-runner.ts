// When syncs run: soon after a change (a few milliseconds, so a burst of watch events becomes one
// sync), but no more often than a token bucket allows (upstream's BoundedFrequencyRunner: a burst
// of 2, then one per minimum interval), again after a failure, and periodically regardless.
export interface SyncRunnerOptions {
  /** Upstream's --iptables-min-sync-period / --nftables-min-sync-period (default 1 s). */
  minIntervalMs: number;
  /** Syncs allowed back to back before the minimum interval applies. */
  burst: number;
  /** How long a change waits for the ones following it. */
  coalesceMs: number;
  /** A sync even without changes (upstream's --sync-period, 30 s); 0: never. */
  periodMs: number;
  /** How soon a failed sync is retried. */
  retryMs: number;
}

export const DEFAULT_SYNC_RUNNER: SyncRunnerOptions = { minIntervalMs: 1000, burst: 2, coalesceMs: 5, periodMs: 30_000, retryMs: 1000 };

export class SyncRunner {
  private tokens: number;
  private refilledAt: number;
  private timer?: NodeJS.Timeout;
  private periodic?: NodeJS.Timeout;
  private running = false;
  private pending = false;
  private stopped = false;

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly o: SyncRunnerOptions = DEFAULT_SYNC_RUNNER,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = o.burst;
    this.refilledAt = now();
    if (o.periodMs > 0) {
      this.periodic = setInterval(() => this.request(), o.periodMs);
      this.periodic.unref();
    }
  }

  /** Ask for a sync; requests made while one is waiting or running are folded into one more. */
  request(delayMs?: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    if (this.timer) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.o.minIntervalMs);
    this.timer = setTimeout(() => void this.runOnce(), Math.max(wait, delayMs ?? this.o.coalesceMs));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.periodic) clearInterval(this.periodic);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.o.burst, this.tokens + (t - this.refilledAt) / this.o.minIntervalMs);
    this.refilledAt = t;
  }

  private async runOnce(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    this.refill();
    this.tokens -= 1;
    this.running = true;
    let failed = false;
    try {
      await this.fn();
    } catch (err) {
      failed = true;
      this.onError(err);
    }
    this.running = false;
    if (this.pending || failed) {
      this.pending = false;
      this.request(failed ? this.o.retryMs : undefined);
    }
  }
}

/**
 * Which changes a sync has covered: every change bumps the generation, a sync records the one it
 * started from, and `flushed()` waits for a sync that saw everything before the call.
 */
export class SyncedGenerations {
  private generation = 0;
  private synced = -1;
  private waiters: { generation: number; resolve: () => void }[] = [];

  bump(): void {
    this.generation++;
  }

  /** Taken when a sync starts; hand it to `done` when that sync has been written. */
  current(): number {
    return this.generation;
  }

  done(generation: number): void {
    this.synced = generation;
    const ready = this.waiters.filter((w) => w.generation <= generation);
    this.waiters = this.waiters.filter((w) => w.generation > generation);
    for (const w of ready) w.resolve();
  }

  flushed(): Promise<void> {
    const generation = this.generation;
    if (this.synced >= generation) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ generation, resolve }));
  }
}
