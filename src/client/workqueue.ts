// A work queue of keys as client-go's: a key is queued at most once, a key being processed
// and added again is processed again afterwards (never concurrently), and failures are
// retried with per-key exponential backoff.
import type { QueueMetrics } from './workqueue-metrics.js';

export interface WorkQueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Overall retry budget shared by all keys (client-go's default: 10 per second, burst 100). */
  retryQps?: number;
  retryBurst?: number;
  clock?: () => number;
}

/**
 * A token bucket that reserves: each call takes a token and says how long to wait for it, so a
 * storm of failures is spread out instead of retried all at once.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Milliseconds until the token this call reserves is available (0: now). */
  reserve(): number {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private shutDown = false;
  private readonly bucket: TokenBucket;
  private metrics?: QueueMetrics;
  /** With metrics only: when each waiting key was added and each key in work was handed out (performance.now()). */
  private readonly addedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly opts: WorkQueueOptions = {}) {
    this.bucket = new TokenBucket(opts.retryQps ?? 10, opts.retryBurst ?? 100, opts.clock);
  }

  /** Report to these metrics from now on (client-go's named queue with a metrics provider). */
  setMetrics(metrics: QueueMetrics): void {
    this.metrics = metrics;
    metrics.setProcessing(() => this.startedAt.values());
  }

  add(key: string): void {
    if (this.shutDown) return;
    if (this.processing.has(key)) {
      if (this.metrics && !this.dirty.has(key)) this.noteAdded(key, this.queue.length);
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    if (this.metrics) this.noteAdded(key, this.queue.length + 1);
    const w = this.waiters.shift();
    if (w) {
      this.queued.delete(key);
      this.processing.add(key);
      this.noteStarted(key);
      w(key);
    } else this.queue.push(key);
  }

  private noteAdded(key: string, depth: number): void {
    if (!this.addedAt.has(key)) this.addedAt.set(key, performance.now());
    this.metrics!.add(depth);
  }

  private noteStarted(key: string): void {
    if (!this.metrics) return;
    const now = performance.now();
    const added = this.addedAt.get(key) ?? now;
    this.addedAt.delete(key);
    this.startedAt.set(key, now);
    this.metrics.get(this.queue.length, (now - added) / 1000);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shutDown) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, delayMs);
    this.timers.add(t);
  }

  /** Re-queue after a failure: the longer of the key's own backoff and the overall bucket's wait. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.metrics?.retry();
    const perKey = Math.min((this.opts.baseDelayMs ?? 5) * 2 ** n, this.opts.maxDelayMs ?? 1000_000);
    this.addAfter(key, Math.max(perKey, this.bucket.reserve()));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Next key, or undefined once shut down. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      this.noteStarted(key);
      return Promise.resolve(key);
    }
    if (this.shutDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    const started = this.startedAt.get(key);
    if (started !== undefined) {
      this.startedAt.delete(key);
      this.metrics?.done((performance.now() - started) / 1000);
    }
    if (this.dirty.delete(key)) this.add(key);
  }

  len(): number {
    return this.queue.length;
  }

  shutdown(): void {
    this.shutDown = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const w of this.waiters) w(undefined);
    this.waiters = [];
  }
}

/** Run `sync` for queued keys with `workers` concurrent workers until the queue shuts down. */
export async function runWorkers(queue: WorkQueue, workers: number, sync: (key: string) => Promise<void>, onError?: (key: string, err: unknown) => void): Promise<void> {
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        onError?.(key, err);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}
