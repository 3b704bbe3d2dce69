// The cached state of one stored resource: current objects by key, keys in order for lists
// and paging, and a bounded history of events for watches that resume from a revision.
import type { CacheEvent, CachedObject, WatchFilter } from './types.js';

export interface CacheWatcherSink {
  filter: WatchFilter;
  /** Deliver one event; returns false when the watcher is gone or overwhelmed and should be dropped. */
  deliver(ev: CacheEvent): boolean;
}

export class ResourceCache {
  readonly items = new Map<string, CachedObject>();
  private sorted: string[] | null = null;
  private readonly history: CacheEvent[] = [];
  private historyHead = 0;
  /** Events with rev > historyStart are all in history. */
  private historyStart: number;
  /** Revision of the last event that touched this resource. */
  lastChange = 0;
  private readonly watchers = new Set<CacheWatcherSink>();

  constructor(
    readonly prefix: string,
    startRevision: number,
    private readonly historyCapacity: number,
  ) {
    this.historyStart = startRevision;
  }

  apply(ev: CacheEvent): void {
    if (ev.type === 'DELETED') {
      this.items.delete(ev.key);
      this.sorted = null;
    } else {
      if (!this.items.has(ev.key)) this.sorted = null;
      this.items.set(ev.key, ev.object);
    }
    this.lastChange = ev.rev;
    this.record(ev);
    for (const w of this.watchers) {
      if (!w.deliver(ev)) this.watchers.delete(w);
    }
  }

  private record(ev: CacheEvent): void {
    if (this.history.length < this.historyCapacity) {
      this.history.push(ev);
      return;
    }
    const evicted = this.history[this.historyHead]!;
    this.historyStart = evicted.rev;
    this.history[this.historyHead] = ev;
    this.historyHead = (this.historyHead + 1) % this.historyCapacity;
  }

  /** Oldest revision a watch may resume from. */
  oldestResumable(): number {
    return this.historyStart;
  }

  /** Events after `rev`, in order. Caller checks `rev >= oldestResumable()` first. */
  eventsAfter(rev: number): CacheEvent[] {
    const out: CacheEvent[] = [];
    const n = this.history.length;
    for (let i = 0; i < n; i++) {
      const ev = this.history[(this.historyHead + i) % n]!;
      if (ev.rev > rev) out.push(ev);
    }
    return out;
  }

  addWatcher(w: CacheWatcherSink): void {
    this.watchers.add(w);
  }
  removeWatcher(w: CacheWatcherSink): void {
    this.watchers.delete(w);
  }
  watcherCount(): number {
    return this.watchers.size;
  }

  private sortedKeys(): string[] {
    return (this.sorted ??= [...this.items.keys()].sort());
  }

  /** Objects under a key prefix in key order, strictly after `startAfter` when given. */
  *range(prefix: string, startAfter?: string): Generator<CachedObject> {
    const keys = this.sortedKeys();
    let i = lowerBound(keys, startAfter !== undefined && startAfter >= prefix ? startAfter : prefix);
    if (startAfter !== undefined && keys[i] === startAfter) i++;
    for (; i < keys.length; i++) {
      const k = keys[i]!;
      if (!k.startsWith(prefix)) break;
      yield this.items.get(k)!;
    }
  }
}

function lowerBound(a: readonly string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
