// One timer for many deadlines: thousands of simulated nodes and containers each want to be
// woken at some time, and one Node.js timer per wish would not scale. Deadlines live in a
// binary min-heap; a single setTimeout is armed for the earliest one.

export interface TimerHandle {
  cancel(): void;
}

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class TimerWheel {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private armedFor = Infinity;
  private stopped = false;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Run `fn` at epoch-ms `at` (or as soon as possible when that has passed). */
  at(at: number, fn: () => void): TimerHandle {
    const e: Entry = { at, seq: this.seq++, fn, cancelled: false };
    if (this.stopped) return { cancel: () => undefined };
    this.push(e);
    this.arm();
    return {
      cancel: () => {
        e.cancelled = true;
      },
    };
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    return this.at(this.clock() + Math.max(0, delayMs), fn);
  }

  /** A promise that resolves after `delayMs`, through the wheel. */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.after(delayMs, resolve));
  }

  /** Entries still pending (cancelled ones included until they surface). */
  size(): number {
    return this.heap.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.length = 0;
  }

  private arm(): void {
    const top = this.heap[0];
    if (!top || this.stopped) return;
    if (this.timer && top.at >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = top.at;
    // Kept referenced: pending deadlines are work the process must stay up for (stop() clears it).
    this.timer = setTimeout(() => this.fire(), Math.max(0, top.at - this.clock()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.clock();
    // Bounded batch per tick so one burst of deadlines cannot starve the event loop.
    for (let n = 0; n < 10_000; n++) {
      const top = this.heap[0];
      if (!top || top.at > now) break;
      this.pop();
      if (top.cancelled) continue;
      try {
        top.fn();
      } catch {
        // A failing callback must not take the wheel (and every other deadline) down.
      }
    }
    this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
