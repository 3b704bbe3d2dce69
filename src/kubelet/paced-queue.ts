// Runs keyed jobs at a bounded rate and concurrency, each key at most once in the queue: the
// heartbeats of thousands of nodes go through here so their aggregate write rate stays
// within what the API server is promised, however many timers fire at once.

export interface PacedQueueOptions {
  /** Jobs started per second, at most. */
  qps: number;
  /** Jobs in flight, at most. */
  concurrency: number;
}

export class PacedQueue {
  private readonly pending = new Map<string, () => Promise<void>>();
  private inFlight = 0;
  private nextStartAt = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly opts: PacedQueueOptions) {}

  /** Queue a job; a key already waiting keeps its place and takes the newer job. */
  add(key: string, job: () => Promise<void>): void {
    if (this.stopped) return;
    this.pending.set(key, job);
    this.pump();
  }

  size(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    if (this.timer) clearTimeout(this.timer);
  }

  private pump(): void {
    if (this.timer || this.stopped) return;
    const interval = 1000 / this.opts.qps;
    while (this.pending.size && this.inFlight < this.opts.concurrency) {
      const now = Date.now();
      if (this.nextStartAt > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, this.nextStartAt - now);
        this.timer.unref();
        return;
      }
      // A quiet period earns no burst beyond one interval's worth.
      this.nextStartAt = Math.max(this.nextStartAt, now - interval) + interval;
      const [key, job] = this.pending.entries().next().value as [string, () => Promise<void>];
      this.pending.delete(key);
      this.inFlight++;
      void job()
        .catch(() => undefined)
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
