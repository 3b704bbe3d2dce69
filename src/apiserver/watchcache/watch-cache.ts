// The API server's view of storage: one store watch over /registry/ feeds a ResourceCache per
// stored resource. Lists and watches are served from here; only writes and exact-revision
// reads go to the store.
import type { KubeObject } from '../../api/meta/types.js';
import { withResourceVersion } from '../../api/schema/field-order.js';
import type { KeyValue, Store, StoreEvent, Watcher } from '../../storage/store.js';
import { CachedObject, type CacheEvent } from './types.js';
import { ResourceCache } from './resource-cache.js';

export const REGISTRY_ROOT = '/registry/';

export interface WatchCacheOptions {
  /** Events kept per resource for resuming watches. */
  historyCapacity?: number;
}

export function decodeKv(kv: KeyValue, rev = kv.modRevision): KubeObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  // Stored without its resourceVersion: put it back in its declared place among the fields.
  obj.metadata = withResourceVersion(obj.metadata ?? {}, String(rev));
  return obj;
}

export class WatchCache {
  private readonly caches = new Map<string, ResourceCache>();
  private revision = 0;
  private storeWatch?: Watcher;
  private readonly waiters: { rev: number; resolve(): void }[] = [];
  private failure?: Error;
  /** The revision start() listed at: a cache made later for a new resource has seen all of its history since. */
  private startRevision = 0;
  /** Objects whose encoding this process just wrote, so the cache need not parse it back. */
  private readonly hints = new WeakMap<Buffer, KubeObject>();

  constructor(
    private readonly store: Store,
    private readonly resourcePrefixes: readonly string[],
    private readonly opts: WatchCacheOptions = {},
  ) {}

  async start(): Promise<void> {
    const { kvs, revision } = await this.store.list(REGISTRY_ROOT);
    this.startRevision = revision;
    for (const prefix of this.resourcePrefixes) this.caches.set(prefix, new ResourceCache(prefix, revision, this.opts.historyCapacity ?? 4096));
    for (const kv of kvs) {
      const c = this.cacheFor(kv.key);
      if (c) c.items.set(kv.key, new CachedObject(kv.key, decodeKv(kv), kv.modRevision));
    }
    this.revision = revision;
    this.storeWatch = this.store.watch(REGISTRY_ROOT, {
      afterRevision: revision,
      onEvents: (events) => this.onEvents(events),
      onError: (err) => {
        this.failure = err;
      },
      // Revisions that changed nothing under /registry/ (a shared etcd): a sync() may pass them.
      onProgress: (rev) => {
        if (rev > this.revision) this.revision = rev;
        this.releaseWaiters();
      },
    });
  }

  /**
   * The writer's own object for the bytes it is about to store. The store hands watchers the
   * same Buffer, so the cache adopts the object instead of decoding it; the writer must not
   * change the object afterwards.
   */
  hint(value: Buffer, obj: KubeObject): void {
    this.hints.set(value, obj);
  }

  private decode(kv: KeyValue): KubeObject {
    const hinted = this.hints.get(kv.value);
    if (!hinted) return decodeKv(kv);
    hinted.metadata.resourceVersion = String(kv.modRevision);
    return hinted;
  }

  stop(): void {
    this.storeWatch?.close();
  }

  /** Latest revision applied to the cache. */
  currentRevision(): number {
    return this.revision;
  }

  healthy(): boolean {
    return !this.failure;
  }

  resource(prefix: string): ResourceCache {
    const c = this.caches.get(prefix) ?? this.customCache(prefix);
    if (!c) throw new Error(`no cache for ${prefix}`);
    return c;
  }

  /**
   * The cache of a custom resource (`/registry/<group with a dot>/<resource>/`), made on first
   * sight: CRDs come and go at run time, and their objects may be stored before (or after) the
   * CRD serving them is. Every event under /registry/ since start() has passed through here,
   * so a cache made later has seen the resource's whole history from that revision on.
   */
  private customCache(prefix: string): ResourceCache | undefined {
    const m = /^\/registry\/([^/]+\.[^/]+)\/([^/]+)\/$/.exec(prefix);
    if (!m) return undefined;
    const c = new ResourceCache(prefix, this.startRevision, this.opts.historyCapacity ?? 4096);
    this.caches.set(prefix, c);
    return c;
  }

  /** Resolves once the cache has applied every event up to `rev` (or rejects after timeoutMs). */
  waitForRevision(rev: number, timeoutMs = 3000): Promise<void> {
    if (this.revision >= rev) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        rev,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`Too large resource version: ${rev}, current: ${this.revision}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Wait until everything committed to the store so far is visible here: a consistent read. */
  sync(): Promise<void> {
    return this.waitForRevision(this.store.currentRevision());
  }

  private cacheFor(key: string): ResourceCache | undefined {
    // Keys are /registry/<resource>/… or /registry/<group>/<resource>/…
    const third = key.indexOf('/', REGISTRY_ROOT.length);
    if (third < 0) return undefined;
    const short = this.caches.get(key.slice(0, third + 1));
    if (short) return short;
    const fourth = key.indexOf('/', third + 1);
    if (fourth < 0) return undefined;
    const long = key.slice(0, fourth + 1);
    return this.caches.get(long) ?? this.customCache(long);
  }

  private onEvents(events: StoreEvent[]): void {
    for (const e of events) {
      const rev = e.kv.modRevision;
      const c = this.cacheFor(e.kv.key);
      if (c) {
        const prev = c.items.get(e.kv.key);
        let ev: CacheEvent;
        if (e.type === 'DELETE') {
          // The deleted object is the cached one, stamped with the deleting revision.
          const last = prev ? { ...prev.obj, metadata: { ...prev.obj.metadata, resourceVersion: String(rev) } } : decodeKv(e.prevKv ?? e.kv, rev);
          ev = { type: 'DELETED', rev, key: e.kv.key, object: new CachedObject(e.kv.key, last, rev), prev };
        } else {
          ev = { type: prev ? 'MODIFIED' : 'ADDED', rev, key: e.kv.key, object: new CachedObject(e.kv.key, this.decode(e.kv), rev), prev };
        }
        c.apply(ev);
      }
      if (rev > this.revision) this.revision = rev;
    }
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    if (this.waiters.length) {
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.rev <= this.revision) {
          this.waiters.splice(i, 1);
          w.resolve();
        }
      }
    }
  }
}
