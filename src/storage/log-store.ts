// The Store contract implemented once over a revision log (LogBackend): existence checks, compare
// and swap, revision numbering, snapshot reads, watch fan-out and chunked compaction. Backends only
// supply rows.
//
// Group commit: with `groupCommit`, writes issued during one event-loop turn are applied in call
// order inside a single transaction at the end of that turn (setImmediate), so N concurrent writers
// pay for one fsync instead of N. Each write still gets its own revision and its own outcome; a
// write that fails its check (exists, conflict, not found) does not affect the others. Without it,
// each write is applied and committed synchronously in the call.
//
// Who commits is a LogWriter: by default the log itself, on this thread; the sqlite store hands
// commits to a worker thread (sqlite-writer.ts) so the fsync does not block the event loop. With
// an asynchronous writer one batch is in flight at a time and the writes that arrive meanwhile
// form the next one; revisions, outcomes and events stay in call order because batches are
// committed, published and settled strictly one after another.
import {
  CompactedError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type Watcher,
  type WatchOptions,
} from './store.js';
import { rowEvent, rowKv, type LogBackend } from './log.js';
import { inlineWriter, settleOutcome, WriterFailedError, type Applied, type LogWriter, type OpOutcome, type WriteOp } from './log-batch.js';
import { WatchHub } from './watch-hub.js';

export interface LogStoreOptions {
  /** Batch the writes of one event-loop turn into one transaction. */
  groupCommit: boolean;
  /** Revisions compacted per transaction, so a large compaction does not stall writers. */
  compactChunk?: number;
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

export class LogStore implements Store {
  private rev: number;
  private compacted: number;
  private readonly hub: WatchHub;
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  /** The batch an asynchronous writer is committing. */
  private inFlight: Promise<void> | undefined;
  private closed = false;
  /** Set once the writer has died: every later write fails with it. */
  private failure: WriterFailedError | undefined;
  private compaction: Promise<void> = Promise.resolve();

  constructor(
    protected readonly log: LogBackend,
    private readonly opts: LogStoreOptions,
    private readonly writer: LogWriter = inlineWriter(log),
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
    // With a writer on another thread this may be a row committed a moment ago whose batch is
    // not settled here yet (modRevision above currentRevision()): it is committed, so reading it
    // is linearizable, and a compare-and-swap on it simply follows that batch.
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
    while (this.inFlight || this.queue.length > 0) {
      if (this.inFlight) await this.inFlight;
      else this.flush();
    }
    await this.compaction;
    this.hub.closeAll(new StoreClosedError());
    try {
      await this.writer.close();
    } finally {
      this.log.close();
    }
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
    const rows = this.log.rowsAfter(prefix, after, limit);
    // A writer on another thread may have committed rows this store has not published yet; they
    // reach watchers live, when their batch is settled, and must not also arrive by replay.
    while (rows.length > 0 && rows[rows.length - 1]!.id > this.rev) rows.pop();
    return rows.map((row) => {
      const needsPrev = !row.created && !row.deleted;
      return rowEvent(row, needsPrev ? this.log.row(row.prevRevision) : undefined);
    });
  }

  private submit(op: WriteOp): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.opts.groupCommit) this.flush();
      else this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    // While a batch is in flight its completion schedules the next one.
    if (this.flushScheduled || this.inFlight) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits every queued write as one batch, then publishes and settles them in order. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let committed: OpOutcome[] | Promise<OpOutcome[]>;
    try {
      committed = this.writer.commit(batch.map((p) => p.op), this.rev);
    } catch (err) {
      this.fail(batch, err);
      return;
    }
    if (!(committed instanceof Promise)) {
      this.settle(batch, committed);
      return;
    }
    // Never rejects: every outcome, good or bad, is delivered to the batch's callers.
    this.inFlight = committed
      .then((outcomes) => this.settle(batch, outcomes))
      .catch((err: unknown) => this.fail(batch, err))
      .finally(() => {
        this.inFlight = undefined;
        if (this.queue.length > 0) this.scheduleFlush();
      });
  }

  private settle(batch: PendingWrite[], outcomes: OpOutcome[]): void {
    const settled: (Applied | { error: Error })[] = batch.map((p, i) => settleOutcome(p.op, outcomes[i]!));
    const events: StoreEvent[] = [];
    for (const s of settled) {
      if ('event' in s) {
        events.push(s.event);
        this.rev = s.row.id;
      }
    }
    this.hub.publish(events);
    batch.forEach((p, i) => {
      const s = settled[i]!;
      if ('error' in s) p.reject(s.error);
      else p.resolve(s.result);
    });
  }

  /** The batch's transaction rolled back (nothing in it happened), or the writer died (unknown). */
  private fail(batch: PendingWrite[], err: unknown): void {
    for (const p of batch) p.reject(err);
    if (!(err instanceof WriterFailedError) || this.failure) return;
    this.failure = err;
    // Nothing queued can be committed any more; watchers would wait for events that never come.
    for (const p of this.queue.splice(0)) p.reject(err);
    this.hub.closeAll(err);
  }

  private async compactNow(revision: number): Promise<void> {
    this.ensureOpen();
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (this.failure) throw this.failure;
    const chunk = this.opts.compactChunk ?? DEFAULT_COMPACT_CHUNK;
    while (this.compacted < revision && !this.closed) {
      const from = this.compacted;
      const to = Math.min(revision, from + chunk);
      // Declared compacted before the rows go: a writer on another thread deletes them while this
      // thread goes on serving reads and replays, which must refuse the range instead of seeing it
      // half removed. Reads at `to` or later are unaffected by the deletion.
      this.compacted = to;
      try {
        await this.writer.compactRange(from, to);
      } catch (err) {
        this.compacted = from;
        throw err;
      }
      if (this.compacted < revision) await new Promise<void>((r) => setImmediate(r));
    }
  }
}
