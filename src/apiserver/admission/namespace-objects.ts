// The cached objects of one kind in one namespace: what admission plugins read policy from
// (LimitRanges, ResourceQuotas) and count (quota usage), without a storage read.
import type { KubeObject } from '../../api/meta/types.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export function namespaceObjects<T extends KubeObject = KubeObject>(cache: WatchCache, entry: ResourceEntry, namespace: string): T[] {
  const prefix = `${entry.keyPrefix}${namespace}/`;
  const out: T[] = [];
  for (const [key, c] of cache.resource(entry.keyPrefix).items) if (key.startsWith(prefix)) out.push(c.obj as T);
  return out;
}
