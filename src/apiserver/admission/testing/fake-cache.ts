// A watch cache holding given objects, for admission plugins' unit tests: they read only
// `resource(prefix).items`.
import type { KubeObject } from '../../../api/meta/types.js';
import type { ResourceEntry } from '../../registry/entry.js';
import type { WatchCache } from '../../watchcache/watch-cache.js';

export function fakeCache(objects: [ResourceEntry, KubeObject][]): WatchCache {
  const byPrefix = new Map<string, Map<string, { obj: KubeObject }>>();
  for (const [entry, obj] of objects) {
    const items = byPrefix.get(entry.keyPrefix) ?? new Map();
    byPrefix.set(entry.keyPrefix, items);
    const key = entry.namespaced ? `${entry.keyPrefix}${obj.metadata.namespace}/${obj.metadata.name}` : `${entry.keyPrefix}${obj.metadata.name}`;
    items.set(key, { obj });
  }
  return { resource: (prefix: string) => ({ items: byPrefix.get(prefix) ?? new Map() }) } as unknown as WatchCache;
}

/** Just what the plugins look at of a registry entry. */
export function fakeEntry(group: string, resource: string, namespaced = true): ResourceEntry {
  const e = { group, resource, namespaced, keyPrefix: `/registry/${group || 'core'}/${resource}/` } as unknown as ResourceEntry & { storage: ResourceEntry };
  e.storage = e;
  return e;
}
