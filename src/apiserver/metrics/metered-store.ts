// The storage backend's latency as etcd_request_duration_seconds{operation,type}, whichever
// backend it is (etcd, or sqlite as kine reports it under the same name): a Store that times each
// call of the one it wraps. `type` is the resource the key belongs to, as upstream's groupResource.
import type { ListOptions, ListResult, KeyValue, Store, WatchOptions, Watcher } from '../../storage/store.js';

export type StorageObserver = (operation: string, type: string, seconds: number) => void;

/**
 * `/registry/pods/ns/x` → `pods`, `/registry/apps/deployments/ns/x` → `deployments.apps`; a
 * key's first segment is a group when `isGroup` says so (the registry knows its groups).
 */
export function resourceOfKey(key: string, isGroup: (segment: string) => boolean): string {
  const parts = key.split('/');
  const first = parts[2];
  if (parts[1] !== 'registry' || !first) return '';
  const second = parts[3];
  return second && isGroup(first) ? `${second}.${first}` : first;
}

export class MeteredStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly observe: StorageObserver,
    private readonly isGroup: (segment: string) => boolean,
  ) {}

  private async timed<T>(operation: string, key: string, call: Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await call;
    } finally {
      this.observe(operation, resourceOfKey(key, this.isGroup), (performance.now() - start) / 1000);
    }
  }

  currentRevision(): number {
    return this.inner.currentRevision();
  }

  compactRevision(): number {
    return this.inner.compactRevision();
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.timed('get', key, this.inner.get(key));
  }

  list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    return this.timed('list', prefix, this.inner.list(prefix, opts));
  }

  count(prefix: string): Promise<number> {
    return this.timed('count', prefix, this.inner.count(prefix));
  }

  create(key: string, value: Buffer): Promise<number> {
    return this.timed('create', key, this.inner.create(key, value));
  }

  update(key: string, value: Buffer, expectedRevision: number): Promise<number> {
    return this.timed('update', key, this.inner.update(key, value, expectedRevision));
  }

  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    return this.timed('delete', key, this.inner.delete(key, expectedRevision));
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    return this.inner.watch(prefix, opts);
  }

  compact(revision: number): Promise<void> {
    return this.timed('compact', '', this.inner.compact(revision));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
