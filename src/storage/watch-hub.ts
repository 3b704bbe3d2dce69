// Fans committed events out to watchers, in revision order, each event exactly once per watcher.
//
// Delivery policy (the "bounded buffer" choice): there is no per-watcher event queue at all.
//  - A watcher that starts behind the head catches up by reading the log itself, a bounded batch
//    per event-loop turn, so a long replay never blocks writers or other watchers and never holds
//    more than one batch in memory. When a read comes back short it has reached the head and turns
//    live in the same synchronous step, so no commit can fall between replay and live delivery.
//  - A live watcher gets each commit synchronously, right after the commit and before the writer's
//    promise resolves. Callbacks must therefore be quick (hand the events to a queue of their own,
//    as the API server's watch cache does); the store cannot be "slowed" by a consumer that is
//    itself buffering. A callback that throws ends that watcher (onError) and no other.
//  - A catching-up watcher whose position is compacted away before it reaches the head ends with
//    CompactedError.
import { CompactedError, type StoreEvent, type Watcher, type WatchOptions } from './store.js';

/** What the hub needs from its store to replay history. */
export interface EventSource {
  currentRevision(): number;
  compactRevision(): number;
  /** Events with revision > afterRevision under the prefix, oldest first, at most `limit`. */
  eventsAfter(prefix: string, afterRevision: number, limit: number): StoreEvent[];
}

export const REPLAY_BATCH = 512;

class HubWatcher implements Watcher {
  /** Every event with revision <= cursor has been delivered (or did not match the prefix). */
  cursor: number;
  live = false;
  closed = false;

  constructor(
    readonly prefix: string,
    private readonly opts: WatchOptions,
    private readonly onClose: (w: HubWatcher) => void,
  ) {
    this.cursor = opts.afterRevision;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }

  /** Hands events over; a throwing consumer is ended rather than allowed to disturb the others. */
  deliver(events: StoreEvent[]): void {
    try {
      this.opts.onEvents(events);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  fail(err: Error): void {
    if (this.closed) return;
    this.close();
    try {
      this.opts.onError?.(err);
    } catch {
      // The watcher is already gone; its error handler failing changes nothing.
    }
  }
}

export class WatchHub {
  private readonly watchers = new Set<HubWatcher>();
  /** Batches published while a delivery is in progress (a callback that writes), delivered after it. */
  private readonly backlog: StoreEvent[][] = [];
  private delivering = false;

  constructor(private readonly source: EventSource) {}

  get size(): number {
    return this.watchers.size;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    const compacted = this.source.compactRevision();
    if (opts.afterRevision < compacted) throw new CompactedError(opts.afterRevision, compacted);
    const w = new HubWatcher(prefix, opts, (x) => this.watchers.delete(x));
    this.watchers.add(w);
    if (w.cursor >= this.source.currentRevision()) w.live = true;
    else setImmediate(() => this.catchUp(w));
    return w;
  }

  /** Called once per commit (or group of commits) with its events in revision order. */
  publish(events: StoreEvent[]): void {
    if (events.length === 0) return;
    this.backlog.push(events);
    if (!this.delivering) this.exclusively(() => {});
  }

  /**
   * Runs a delivery with re-entrant publishes held back, then drains them in order, so that a
   * callback that writes never sees the new event nested inside the call that is still running.
   */
  private exclusively(deliver: () => void): void {
    this.delivering = true;
    try {
      deliver();
      for (let batch = this.backlog.shift(); batch; batch = this.backlog.shift()) this.deliverLive(batch);
    } finally {
      this.delivering = false;
    }
  }

  /** Ends every watcher with the given error (the store is closing). */
  closeAll(err: Error): void {
    for (const w of [...this.watchers]) w.fail(err);
  }

  private deliverLive(batch: StoreEvent[]): void {
    const head = batch[batch.length - 1]!.kv.modRevision;
    for (const w of this.watchers) {
      if (!w.live || w.closed) continue;
      const mine = batch.filter((e) => e.kv.modRevision > w.cursor && e.kv.key.startsWith(w.prefix));
      w.cursor = Math.max(w.cursor, head);
      if (mine.length > 0) w.deliver(mine);
    }
  }

  private catchUp(w: HubWatcher): void {
    if (w.closed) return;
    const compacted = this.source.compactRevision();
    if (w.cursor < compacted) {
      w.fail(new CompactedError(w.cursor, compacted));
      return;
    }
    let events: StoreEvent[];
    try {
      events = this.source.eventsAfter(w.prefix, w.cursor, REPLAY_BATCH);
    } catch (err) {
      w.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (events.length < REPLAY_BATCH) {
      // Everything up to the head has been read in this same synchronous step: go live now.
      w.cursor = Math.max(w.cursor, this.source.currentRevision());
      w.live = true;
      if (events.length > 0) this.exclusively(() => w.deliver(events));
      return;
    }
    w.cursor = events[events.length - 1]!.kv.modRevision;
    this.exclusively(() => w.deliver(events));
    setImmediate(() => this.catchUp(w));
  }
}
