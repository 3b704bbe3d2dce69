// Shared informers: one list+watch per resource feeding an indexed cache that every controller
// reads, with handlers that only enqueue keys. Relists on 410 (through the Reflector) and
// replays the cache to handlers on each resync period, as client-go's shared informers do.
import type { KubeObject } from '../api/meta/types.js';
import { Reflector } from './reflector.js';
import { ApiStatusError } from './rest.js';
import { keyOf, resourcePath, type GroupVersionResource } from './resources.js';
import type { ApiClient } from './rest.js';

export interface EventHandlers<T extends KubeObject = KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  /** `obj` is the last state known; after a relist it may be older than the deletion. */
  delete?(obj: T): void;
}

export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => string[];

/** Index by namespace (values: the namespace). */
export const NAMESPACE_INDEX = 'namespace';
/** Index by owner uid (values: every ownerReferences[].uid). */
export const OWNER_INDEX = 'owner';
/** Index by spec.nodeName (pods). */
export const NODE_NAME_INDEX = 'nodeName';
/** A label index is named `label:<key>`; its values are that label's value. */
export const labelIndex = (key: string): string => `label:${key}`;

const builtinIndexes: Record<string, IndexFunc> = {
  [NAMESPACE_INDEX]: (o) => (o.metadata.namespace ? [o.metadata.namespace] : []),
  [OWNER_INDEX]: (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid),
  [NODE_NAME_INDEX]: (o) => {
    const n = (o['spec'] as { nodeName?: string } | undefined)?.nodeName;
    return n ? [n] : [];
  },
};

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replay every cached object to update handlers this often (0: never). */
  resyncMs?: number;
  /**
   * Where a failing list or watch is reported (default: stderr), as client-go's reflector logs
   * "failed to list": an informer that cannot list never syncs, and its owner waits on it.
   */
  log?: (line: string) => void;
}

const stderrLog = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);

export class Informer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly handlers: EventHandlers<T>[] = [];
  private reflector?: Reflector;
  private lastError?: string;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private resyncTimer?: NodeJS.Timeout;
  /** Keys seen in the current relist; what is missing when it completes was deleted meanwhile. */
  private relisting?: Set<string>;

  constructor(
    private readonly client: ApiClient,
    readonly resource: GroupVersionResource,
    private readonly opts: InformerOptions = {},
  ) {}

  /** Add an index; allowed at any time (existing objects are indexed at once). */
  addIndex(name: string, fn?: IndexFunc<T>): void {
    const f = fn ?? (name.startsWith('label:') ? labelFunc<T>(name.slice(6)) : (builtinIndexes[name] as IndexFunc<T> | undefined));
    if (!f) throw new Error(`no index function for ${name}`);
    if (this.indexFuncs.has(name)) return;
    this.indexFuncs.set(name, f);
    this.indexes.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, f, key, obj);
  }

  addHandlers(h: EventHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const obj of this.items.values()) h.add?.(obj);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.items.values()];
    this.addIndex(NAMESPACE_INDEX);
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  byIndex(name: string, value: string): T[] {
    if (!this.indexFuncs.has(name)) this.addIndex(name);
    const keys = this.indexes.get(name)!.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** How many objects carry `value` in an index, without building the list (cheap on big indexes). */
  countByIndex(name: string, value: string): number {
    if (!this.indexFuncs.has(name)) this.addIndex(name);
    return this.indexes.get(name)!.get(value)?.size ?? 0;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
  }

  start(): void {
    if (this.reflector) return;
    const q = new URLSearchParams();
    if (this.opts.labelSelector) q.set('labelSelector', this.opts.labelSelector);
    if (this.opts.fieldSelector) q.set('fieldSelector', this.opts.fieldSelector);
    const path = resourcePath(this.resource, this.opts.namespace) + (q.size ? `?${q}` : '');
    this.reflector = new Reflector(this.client, path, {
      onListStart: () => {
        this.relisting = new Set();
      },
      onObject: (type, obj) => this.apply(type, obj as T),
      onListEnd: () => {
        this.lastError = undefined;
        this.finishRelist();
      },
      onError: (err) => {
        // Said once per distinct failure, not at every retry; 410 (a compacted resourceVersion) is routine.
        if (err instanceof ApiStatusError && err.code === 410) return;
        const message = err instanceof Error ? err.message : String(err);
        if (message === this.lastError) return;
        this.lastError = message;
        (this.opts.log ?? stderrLog)(`informer ${path}: failed to list or watch (retrying every second): ${message}`);
      },
    });
    void this.reflector.run();
    if (this.opts.resyncMs) {
      this.resyncTimer = setInterval(() => {
        for (const obj of this.items.values()) for (const h of this.handlers) h.update?.(obj, obj);
      }, this.opts.resyncMs);
      this.resyncTimer.unref();
    }
  }

  stop(): void {
    this.reflector?.stop();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'SYNC', obj: T): void {
    const key = keyOf(obj);
    const old = this.items.get(key);
    if (type === 'DELETED') {
      if (!old) return;
      this.remove(key, old);
      for (const h of this.handlers) h.delete?.(obj);
      return;
    }
    if (type === 'SYNC') this.relisting?.add(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion && type === 'SYNC') return;
    this.put(key, obj, old);
    for (const h of this.handlers) {
      if (old) h.update?.(old, obj);
      else h.add?.(obj);
    }
  }

  private finishRelist(): void {
    const seen = this.relisting;
    this.relisting = undefined;
    if (seen) {
      for (const [key, obj] of [...this.items]) {
        if (seen.has(key)) continue;
        this.remove(key, obj);
        for (const h of this.handlers) h.delete?.(obj);
      }
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters) w();
      this.syncWaiters = [];
    }
  }

  private put(key: string, obj: T, old: T | undefined): void {
    if (old) for (const [name] of this.indexFuncs) this.unindexOne(name, key, old);
    this.items.set(key, obj);
    for (const [name, f] of this.indexFuncs) this.indexOne(name, f, key, obj);
  }

  private remove(key: string, obj: T): void {
    this.items.delete(key);
    for (const [name] of this.indexFuncs) this.unindexOne(name, key, obj);
  }

  private indexOne(name: string, f: IndexFunc<T>, key: string, obj: T): void {
    const idx = this.indexes.get(name)!;
    for (const v of f(obj)) {
      let set = idx.get(v);
      if (!set) idx.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindexOne(name: string, key: string, obj: T): void {
    const idx = this.indexes.get(name)!;
    for (const v of this.indexFuncs.get(name)!(obj)) {
      const set = idx.get(v);
      set?.delete(key);
      if (set?.size === 0) idx.delete(v);
    }
  }
}

function labelFunc<T extends KubeObject>(key: string): IndexFunc<T> {
  return (o) => {
    const v = o.metadata.labels?.[key];
    return v === undefined ? [] : [v];
  };
}

/** One informer per resource (and options), shared by every controller in the process. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  constructor(
    private readonly client: ApiClient,
    private readonly defaults: InformerOptions = {},
  ) {}

  informerFor<T extends KubeObject = KubeObject>(r: GroupVersionResource, opts: InformerOptions = {}): Informer<T> {
    const o = { ...this.defaults, ...opts };
    const key = `${r.group}/${r.version}/${r.resource}?${o.namespace ?? ''}&${o.labelSelector ?? ''}&${o.fieldSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, r, o);
      this.informers.set(key, inf);
      if (this.started) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const i of this.informers.values()) i.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  stop(): void {
    // An informer asked for after this is not started: nothing would stop it.
    this.started = false;
    for (const i of this.informers.values()) i.stop();
  }
}
