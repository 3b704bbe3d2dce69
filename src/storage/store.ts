// The storage contract, shaped like etcd v3 so that an etcd backend drops in: one global
// revision counter, keys carry the revision that created them and last modified them,
// writes are compare-and-swap on that revision, and watches resume from any revision that
// has not been compacted away.

export interface KeyValue {
  key: string;
  /** Serialized object bytes, opaque to the store. */
  value: Buffer;
  createRevision: number;
  modRevision: number;
}

export type WatchEventType = 'PUT' | 'DELETE';

export interface StoreEvent {
  type: WatchEventType;
  /** For PUT the new value; for DELETE the key with the deleting revision as modRevision and the last value. */
  kv: KeyValue;
  /** The value before this event, when there was one. */
  prevKv?: KeyValue;
  /** True when a PUT created the key. */
  created: boolean;
}

export interface ListOptions {
  /** Read as of this revision (must not be compacted); default: latest. */
  revision?: number;
  /** Return keys strictly after this one (for paging). */
  startAfter?: string;
  /** At most this many keys; 0 or undefined means all. */
  limit?: number;
}

export interface ListResult {
  kvs: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** More keys remain after the last one returned. */
  more: boolean;
  /** How many keys remain after the last one returned (when known). */
  remaining?: number;
}

export interface Watcher {
  close(): void;
}

export interface WatchOptions {
  /** Deliver events with revision > afterRevision. Must be >= compactRevision. */
  afterRevision: number;
  /** Called with each batch of events in revision order. Events of one transaction share a revision. */
  onEvents(events: StoreEvent[]): void;
  /** The watch ended (store closed, or fell behind a compaction). */
  onError?(err: Error): void;
  /**
   * Every event under the prefix up to `revision` has been delivered, though that revision held
   * none of them (etcd's progress notification: writes elsewhere in a shared keyspace). Stores
   * whose watchers see every revision they must wait for need never call it.
   */
  onProgress?(revision: number): void;
}

export interface Store {
  /** Latest committed revision. */
  currentRevision(): number;
  /** Oldest revision still watchable/listable. */
  compactRevision(): number;

  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Number of keys under a prefix. */
  count(prefix: string): Promise<number>;

  /** Create if absent; throws KeyExistsError. Resolves to the new revision. */
  create(key: string, value: Buffer): Promise<number>;
  /**
   * Replace the value if the key's modRevision still equals expectedRevision; throws
   * ConflictError (with the current kv) when it moved, KeyNotFoundError when gone.
   */
  update(key: string, value: Buffer, expectedRevision: number): Promise<number>;
  /** Delete, guarded by expectedRevision when given. Resolves to the deleting revision and the last value. */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }>;

  /** Start watching keys under a prefix. Throws CompactedError if afterRevision < compactRevision(). */
  watch(prefix: string, opts: WatchOptions): Watcher;

  /** Drop history at and below revision (keeps the latest value of every live key). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}
export class KeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}
export class ConflictError extends Error {
  constructor(readonly key: string, readonly current: KeyValue | undefined) {
    super(`revision conflict on ${key}`);
  }
}
export class CompactedError extends Error {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
  }
}
