// Crash-loop back-off as the kubelet keeps it (client-go's flowcontrol.Backoff): the first
// restart of a container is immediate, each later one waits a delay that starts at the base
// and doubles up to the maximum; a container that stayed up for twice the maximum starts over.

interface Entry {
  delayMs: number;
  lastExitAt: number;
}

export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly baseMs = 10_000,
    readonly maxMs = 300_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True while the container that exited at `exitAt` must wait before restarting. */
  inBackoffSince(key: string, exitAt: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, exitAt)) return false;
    return this.clock() - exitAt < e.delayMs;
  }

  /** When the wait for the exit at `exitAt` ends. */
  releaseAt(key: string, exitAt: number): number {
    return exitAt + (this.entries.get(key)?.delayMs ?? 0);
  }

  /** The current delay (what the CrashLoopBackOff message shows). */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? this.baseMs;
  }

  /** Record a restart for the exit at `exitAt`, growing the delay. */
  next(key: string, exitAt: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, exitAt)) this.entries.set(key, { delayMs: this.baseMs, lastExitAt: exitAt });
    else {
      e.delayMs = Math.min(e.delayMs * 2, this.maxMs);
      e.lastExitAt = exitAt;
    }
  }

  /** Forget every key that starts with `prefix` (a pod's containers when the pod goes). */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  private expired(e: Entry, exitAt: number): boolean {
    return exitAt - e.lastExitAt > 2 * this.maxMs;
  }
}

/** Go's time.Duration formatting for whole milliseconds: 10s, 1m20s, 5m0s, 500ms. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}
