// The Store contract implemented once over a revision log (LogBackend): existence checks, compare
// and swap, revision numbering, snapshot reads, watch fan-out and chunked compaction. Backends only
// supply rows.
//
// Group commit: with `groupCommit`, writes issued during one event-loop turn are applied in call
// order inside a single transaction at the end of that turn (setImmediate), so N concurrent writers
// pay for one fsync instead of N. Each write still gets its own revision and its own outcome; a
// write that fails its check (exists, conflict, not found) does not affect the others. Without it,
// each write is applied and committed synchronously in the call.
import {
  CompactedError,
  ConflictError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type Watcher,
  type WatchOptions,
} from './store.js';
import { rowEvent, rowKv, type LogBackend, type LogRow } from './log.js';
import { WatchHub } from './watch-hub.js';

export interface LogStoreOptions {
  /** Batch the writes of one event-loop turn into one transaction. */
  groupCommit: boolean;
  /** Revisions compacted per transaction, so a large compaction does not stall writers. */
  compactChunk?: number;
}

type WriteOp =
  | { kind: 'create'; key: string; value: Buffer }
  | { kind: 'update'; key: string; value: Buffer; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

interface Applied {
  row: LogRow;
  event: StoreEvent;
  /** What the caller's promise resolves to. */
  result: unknown;
}

interface PendingWrite {
  op: WriteOp;
  resolve(v: unknown): void;
  reject(err: unknown): void;
}

const DEFAULT_COMPACT_CHUNK = 10_000;

export class StoreClosedError extends Error {
  constructor() {
    super('store is closed');
  }
}

export class FutureRevisionError extends Error {
  constructor(readonly requested: number, readonly current: number) {
    super(`required revision ${requested} is a future revision (current revision ${current})`);
  }
}

/** The errors a single write reports to its caller without spoiling the rest of its batch. */
function isOutcomeError(err: unknown): boolean {
  return err instanceof KeyExistsError || err instanceof KeyNotFoundError || err instanceof ConflictError;
}

export class LogStore implements Store {
  private rev: number;
  private compacted: number;
  private readonly hub: WatchHub;
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  private compaction: Promise<void> = Promise.resolve();

  constructor(
    protected readonly log: LogBackend,
    private readonly opts: LogStoreOptions,
  ) {
    this.rev = log.lastRevision;
    this.compacted = log.compactedRevision;
    this.hub = new WatchHub({
      currentRevision: () => this.rev,
      compactRevision: () => this.compacted,
      eventsAfter: (prefix, after, limit) => this.eventsAfter(prefix, after, limit),
    });
  }

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compacted;
  }

  /** Live watchers (for tests and metrics). */
  watcherCount(): number {
    return this.hub.size;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.ensureOpen();
    const row = this.log.latest(key);
    return row && !row.deleted ? rowKv(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.ensureOpen();
    const revision = this.readRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    // One extra row tells whether anything remains without a second query in the common case.
    const rows = this.log.listAt(prefix, revision, opts.startAfter, limit ? limit + 1 : 0);
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    const result: ListResult = { kvs: rows.map(rowKv), revision, more };
    if (more) result.remaining = this.log.countAt(prefix, revision, rows[rows.length - 1]!.name);
    else if (limit > 0) result.remaining = 0;
    return result;
  }

  async count(prefix: string): Promise<number> {
    this.ensureOpen();
    return this.log.countAt(prefix, this.rev, undefined);
  }

  create(key: string, value: Buffer): Promise<number> {
    return this.submit({ kind: 'create', key, value }) as Promise<number>;
  }

  update(key: string, value: Buffer, expectedRevision: number): Promise<number> {
    return this.submit({ kind: 'update', key, value, expected: expectedRevision }) as Promise<number>;
  }

  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    return this.submit({ kind: 'delete', key, expected: expectedRevision }) as Promise<{ revision: number; prev: KeyValue }>;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    this.ensureOpen();
    return this.hub.watch(prefix, opts);
  }

  compact(revision: number): Promise<void> {
    // Compactions run one after another; each re-checks its bounds when its turn comes.
    const run = this.compaction.then(() => this.compactNow(revision));
    this.compaction = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Writes already accepted are committed (and acknowledged) before the file goes away.
    if (this.queue.length > 0) this.flush();
    await this.compaction;
    this.hub.closeAll(new StoreClosedError());
    this.log.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  private readRevision(requested: number | undefined): number {
    if (!requested) return this.rev;
    if (requested < this.compacted) throw new CompactedError(requested, this.compacted);
    if (requested > this.rev) throw new FutureRevisionError(requested, this.rev);
    return requested;
  }

  private eventsAfter(prefix: string, after: number, limit: number): StoreEvent[] {
    return this.log.rowsAfter(prefix, after, limit).map((row) => {
      const needsPrev = !row.created && !row.deleted;
      return rowEvent(row, needsPrev ? this.log.row(row.prevRevision) : undefined);
    });
  }

  private submit(op: WriteOp): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.opts.groupCommit) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Applies every queued write in one transaction, then publishes and settles them in order. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const outcomes: (Applied | { error: unknown })[] = [];
    let next = this.rev;
    try {
      this.log.transaction(() => {
        for (const p of batch) {
          try {
            const applied = this.apply(p.op, next + 1);
            next = applied.row.id;
            outcomes.push(applied);
          } catch (err) {
            if (!isOutcomeError(err)) throw err;
            outcomes.push({ error: err });
          }
        }
      });
    } catch (err) {
      // The transaction rolled back: nothing in the batch happened.
      for (const p of batch) p.reject(err);
      return;
    }
    this.rev = next;
    const events: StoreEvent[] = [];
    for (const o of outcomes) if ('event' in o) events.push(o.event);
    this.hub.publish(events);
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if ('error' in o) p.reject(o.error);
      else p.resolve(o.result);
    });
  }

  private apply(op: WriteOp, id: number): Applied {
    const latest = this.log.latest(op.key);
    const live = latest && !latest.deleted ? latest : undefined;
    switch (op.kind) {
      case 'create': {
        if (live) throw new KeyExistsError(op.key);
        const row: LogRow = { id, name: op.key, created: true, deleted: false, createRevision: id, prevRevision: latest?.id ?? 0, value: op.value };
        this.log.append(row);
        return { row, event: rowEvent(row, undefined), result: id };
      }
      case 'update': {
        if (!live) throw new KeyNotFoundError(op.key);
        if (live.id !== op.expected) throw new ConflictError(op.key, rowKv(live));
        const row: LogRow = { id, name: op.key, created: false, deleted: false, createRevision: live.createRevision, prevRevision: live.id, value: op.value };
        this.log.append(row);
        return { row, event: rowEvent(row, live), result: id };
      }
      case 'delete': {
        if (!live) throw new KeyNotFoundError(op.key);
        if (op.expected !== undefined && live.id !== op.expected) throw new ConflictError(op.key, rowKv(live));
        const row: LogRow = { id, name: op.key, created: false, deleted: true, createRevision: live.createRevision, prevRevision: live.id, value: live.value };
        this.log.append(row);
        return { row, event: rowEvent(row, live), result: { revision: id, prev: rowKv(live) } };
      }
    }
  }

  private async compactNow(revision: number): Promise<void> {
    this.ensureOpen();
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    const chunk = this.opts.compactChunk ?? DEFAULT_COMPACT_CHUNK;
    while (this.compacted < revision && !this.closed) {
      const to = Math.min(revision, this.compacted + chunk);
      this.log.compactRange(this.compacted, to);
      this.compacted = to;
      if (this.compacted < revision) await new Promise<void>((r) => setImmediate(r));
    }
  }
}
