// Periodic compaction, as the API server runs it against etcd (every 5 minutes by default): each
// tick compacts up to the revision seen at the previous tick, so at least one interval of history
// stays watchable, and additionally keeps the newest `keepRevisions` revisions.
import type { Store } from './store.js';

export interface CompactorOptions {
  /** Time between compactions; the API server uses 5 minutes. */
  intervalMs: number;
  /** Revisions below the head that are never compacted. */
  keepRevisions: number;
  /** Called when a compaction fails; the compactor keeps running. */
  onError?(err: Error): void;
}

export interface Compactor {
  stop(): void;
  /** Runs one compaction now (also what each tick does); resolves to the revision compacted to, if any. */
  runOnce(): Promise<number | undefined>;
}

export function startCompactor(store: Store, opts: CompactorOptions): Compactor {
  let previousHead = store.currentRevision();
  let running: Promise<number | undefined> | undefined;

  const runOnce = (): Promise<number | undefined> => {
    running ??= (async () => {
      const head = store.currentRevision();
      const target = Math.min(previousHead, head - opts.keepRevisions);
      previousHead = head;
      if (target <= store.compactRevision()) return undefined;
      await store.compact(target);
      return target;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => opts.onError?.(err instanceof Error ? err : new Error(String(err))));
  }, opts.intervalMs);
  // Compaction is housekeeping: it must never be what keeps the process alive.
  timer.unref();

  return {
    stop: () => clearInterval(timer),
    runOnce,
  };
}
