// The Store contract over etcd v3, with the same keys and compare-and-swap transactions as
// upstream's storage/etcd3: create is txn(create_revision == 0 → put), update and delete are
// txn(mod_revision == expected → op, else range) so a conflict reports what is there now.
// Revisions are etcd's own, so resourceVersions are the ones etcdctl shows.
//
// currentRevision()/compactRevision() must answer synchronously: both are read from etcd at open
// and then kept from every response header, watch event and progress notification, and from
// compactions seen (ours, or etcd refusing a revision).
//
// A write resolves once every open watcher whose prefix holds the key has been handed the event,
// as the in-process stores do: the API server's watch cache relies on seeing its own writes.
// The event then carries the very Buffer that was written (its bytes checked equal), as the
// in-process stores hand it over, so the cache adopts the writer's object instead of parsing.
import { CompactedError, ConflictError, KeyExistsError, KeyNotFoundError, type KeyValue, type ListOptions, type ListResult, type Store, type Watcher, type WatchOptions } from '../store.js';
import { FutureRevisionError, StoreClosedError } from '../log-store.js';
import { EtcdClient, EtcdError, type EtcdClientOptions } from './client.js';
import { prefixRange } from './keys.js';
import type { Compare, TxnResponse } from './proto.js';
import { toKv, WatchStream } from './watch.js';

export interface EtcdStoreOptions extends EtcdClientOptions {
  /** How often watch streams ask etcd for its revision while idle (default 5 s). */
  progressIntervalMs?: number;
  /** Longest a write waits for watchers to be handed its event (default 10 s); the write stands either way. */
  deliveryTimeoutMs?: number;
}

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';

/** Connects, reads the revision and the compaction point, and returns the store. */
export async function openEtcdStore(opts: EtcdStoreOptions): Promise<EtcdStore> {
  const client = new EtcdClient(opts);
  try {
    const store = new EtcdStore(client, opts);
    await store.init();
    return store;
  } catch (err) {
    client.close();
    throw err;
  }
}

export class EtcdStore implements Store {
  private rev = 0;
  private compacted = 0;
  private closed = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private compacting: Promise<unknown> | undefined;
  private readonly watches: WatchStream;
  private readonly deliveryTimeoutMs: number;
  /** Values of writes in flight, by key, to hand to watchers in place of the decoded copy. */
  private readonly written = new Map<string, Buffer>();

  constructor(
    private readonly client: EtcdClient,
    opts: EtcdStoreOptions,
  ) {
    this.deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 10_000;
    this.watches = new WatchStream(
      {
        client,
        compaction: () => this.compacting,
        observe: (r) => this.observe(r),
        ownValue: (key, value) => {
          const mine = this.written.get(key);
          return mine && mine.equals(value) ? mine : value;
        },
        observeCompacted: (r) => {
          if (r > this.compacted) this.compacted = r;
        },
      },
      opts.progressIntervalMs ?? 5000,
    );
  }

  /** @internal reads the head revision and finds the compaction point. */
  async init(): Promise<void> {
    const status = await this.client.status();
    this.observe(status.header.revision);
    this.compacted = await this.findCompactRevision();
  }

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compacted;
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.op(async () => {
      const res = await this.client.range({ key: Buffer.from(key, 'utf8') });
      this.observe(res.header.revision);
      const kv = res.kvs[0];
      return kv ? toKv(kv) : undefined;
    });
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.op(async () => {
      const { key, rangeEnd } = prefixRange(prefix);
      // Paging resumes at the first key after startAfter: appending a zero byte is the next key.
      const from = opts.startAfter !== undefined && opts.startAfter >= prefix ? Buffer.concat([Buffer.from(opts.startAfter, 'utf8'), Buffer.from([0])]) : key;
      const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
      const res = await this.reading(opts.revision, () => this.client.range({ key: from, rangeEnd, limit, revision: opts.revision ?? 0 }));
      this.observe(res.header.revision);
      const kvs = res.kvs.map(toKv);
      const result: ListResult = { kvs, revision: opts.revision || res.header.revision, more: res.more };
      // etcd's count is every key in [from, end), returned or not.
      if (res.more) result.remaining = res.count - kvs.length;
      else if (limit > 0) result.remaining = 0;
      return result;
    });
  }

  count(prefix: string): Promise<number> {
    return this.op(async () => {
      const res = await this.client.range({ ...prefixRange(prefix), countOnly: true });
      this.observe(res.header.revision);
      return res.count;
    });
  }

  create(key: string, value: Buffer): Promise<number> {
    return this.writing(key, value, async () => {
      const k = Buffer.from(key, 'utf8');
      const res = await this.txn([{ result: 'EQUAL', target: 'CREATE', key: k, createRevision: 0 }], { requestPut: { key: k, value } }, false);
      if (!res.succeeded) throw new KeyExistsError(key);
      return this.delivered(key, res.header.revision);
    });
  }

  update(key: string, value: Buffer, expectedRevision: number): Promise<number> {
    return this.writing(key, value, async () => {
      const k = Buffer.from(key, 'utf8');
      const res = await this.txn(this.guard(k, expectedRevision), { requestPut: { key: k, value } }, true);
      if (!res.succeeded) throw this.failure(key, res);
      return this.delivered(key, res.header.revision);
    });
  }

  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    return this.op(async () => {
      const k = Buffer.from(key, 'utf8');
      const res = await this.txn(this.guard(k, expectedRevision), { requestDeleteRange: { key: k, prevKv: true } }, true);
      if (!res.succeeded) throw this.failure(key, res);
      const prev = res.responses[0]?.responseDeleteRange?.prevKvs[0];
      if (!prev) throw new KeyNotFoundError(key);
      return { revision: res.header.revision, prev: toKv(prev) };
    }).then(async (r) => (await this.delivered(key, r.revision), r));
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    if (this.closed) throw new StoreClosedError();
    if (opts.afterRevision < this.compacted) throw new CompactedError(opts.afterRevision, this.compacted);
    return this.watches.watch(prefix, opts);
  }

  compact(revision: number): Promise<void> {
    const previous = this.compacting ?? Promise.resolve();
    // Compactions run one after another; creates of watches wait for the whole chain.
    const run = previous.catch(() => {}).then(() => this.op(() => this.compactNow(revision)));
    const chained: Promise<unknown> = run.catch(() => {}).finally(() => {
      if (this.compacting === chained) this.compacting = undefined;
    });
    this.compacting = chained;
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Calls already sent are answered (and acknowledged) before the channel goes.
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    this.watches.close(new StoreClosedError());
    this.client.close();
  }

  private async compactNow(revision: number): Promise<void> {
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (revision === this.compacted) return;
    try {
      const res = await this.client.compact({ revision });
      this.observe(res.header.revision);
    } catch (err) {
      if (err instanceof EtcdError && err.details.includes(FUTURE)) throw new FutureRevisionError(revision, this.rev);
      if (err instanceof EtcdError && err.details.includes(COMPACTED)) {
        // Someone else compacted at or past this revision.
        this.compacted = Math.max(this.compacted, await this.findCompactRevision());
        if (revision === this.compacted) return;
        throw new CompactedError(revision, this.compacted);
      }
      throw err;
    }
    if (revision > this.compacted) this.compacted = revision;
  }

  /** Both guards of update and delete: the key exists, and (when given) it is at the revision read. */
  private guard(key: Buffer, expected: number | undefined): Compare[] {
    const exists: Compare = { result: 'GREATER', target: 'CREATE', key, createRevision: 0 };
    return expected === undefined ? [exists] : [exists, { result: 'EQUAL', target: 'MOD', key, modRevision: expected }];
  }

  private async txn(compare: Compare[], success: Parameters<EtcdClient['txn']>[0]['success'][number], readOnFailure: boolean): Promise<TxnResponse> {
    const key = compare[0]!.key;
    const res = await this.client.txn({ compare, success: [success], failure: readOnFailure ? [{ requestRange: { key } }] : [] });
    this.observe(res.header.revision);
    return res;
  }

  private failure(key: string, res: TxnResponse): Error {
    const kv = res.responses[0]?.responseRange?.kvs[0];
    return kv ? new ConflictError(key, toKv(kv)) : new KeyNotFoundError(key);
  }

  /** Waits until watchers that cover `key` were handed revision `rev`. */
  private async delivered(key: string, rev: number): Promise<number> {
    const waiting = this.watches.matching(key).filter((w) => w.position < rev);
    if (waiting.length === 0) return rev;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, this.deliveryTimeoutMs)));
    await Promise.race([Promise.all(waiting.map((w) => w.reached(rev))), timeout]);
    clearTimeout(timer);
    return rev;
  }

  /** Maps etcd's refusals of a read revision to the contract's errors. */
  private async reading<T>(revision: number | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof EtcdError) || !revision) throw err;
      if (err.details.includes(FUTURE)) throw new FutureRevisionError(revision, this.rev);
      if (err.details.includes(COMPACTED)) {
        this.compacted = Math.max(this.compacted, await this.findCompactRevision());
        throw new CompactedError(revision, this.compacted);
      }
      throw err;
    }
  }

  /**
   * etcd tells no client its compaction point directly; reads below it are refused, so the
   * oldest readable revision is found by bisection (a few dozen count-only reads at most).
   */
  private async findCompactRevision(): Promise<number> {
    const readable = async (rev: number): Promise<boolean> => {
      try {
        await this.client.range({ key: Buffer.from([0]), countOnly: true, revision: rev });
        return true;
      } catch (err) {
        if (err instanceof EtcdError && err.details.includes(COMPACTED)) return false;
        throw err;
      }
    };
    if (await readable(1)) return 0;
    const head = await this.client.range({ key: Buffer.from([0]), countOnly: true });
    this.observe(head.header.revision);
    let lo = 1; // unreadable
    let hi = this.rev; // the head is always readable
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  private observe(revision: number): void {
    if (revision > this.rev) this.rev = revision;
  }

  /** A put of `value` at `key`: while it is in flight, watchers are handed `value` itself. */
  private writing<T>(key: string, value: Buffer, call: () => Promise<T>): Promise<T> {
    this.written.set(key, value);
    const done = (): void => {
      if (this.written.get(key) === value) this.written.delete(key);
    };
    const p = this.op(call);
    p.then(done, done);
    return p;
  }

  /** Runs a call unless closed, tracked so close() can let it finish. */
  private op<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    const p = call();
    this.inflight.add(p);
    const forget = (): void => {
      this.inflight.delete(p);
    };
    p.then(forget, forget);
    return p;
  }
}
