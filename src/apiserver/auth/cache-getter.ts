// Service accounts and the objects tokens are bound to, read from the watch cache: an
// authentication on every request must cost a map lookup, never a storage read.
import type { KubeObject } from '../../api/meta/types.js';
import { objectKey, type Registry } from '../registry/registry.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import type { BoundObjectGetter } from './serviceaccount-authenticator.js';

export function watchCacheGetter(registry: Registry, cache: WatchCache): BoundObjectGetter {
  const reader = (resource: string) => {
    const entry = registry.lookup('', 'v1', resource);
    return (namespace: string | undefined, name: string): KubeObject | undefined => {
      if (!entry) return undefined;
      return cache.resource(entry.keyPrefix).items.get(objectKey(entry, namespace, name))?.obj;
    };
  };
  const sa = reader('serviceaccounts');
  const pods = reader('pods');
  const secrets = reader('secrets');
  const nodes = reader('nodes');
  return {
    serviceAccount: (ns, name) => sa(ns, name),
    pod: (ns, name) => pods(ns, name),
    secret: (ns, name) => secrets(ns, name),
    node: (name) => nodes(undefined, name),
  };
}
