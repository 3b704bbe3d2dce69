// NamespaceLifecycle admission: no new objects in a namespace that is missing or being
// terminated, and the system namespaces cannot be deleted.
import type { KubeObject } from '../../api/meta/types.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;
const UNDELETABLE = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(cache: WatchCache, namespaces: ResourceEntry): AdmissionCheck {
  return (entry, obj: KubeObject, op) => {
    if (entry.group === '' && entry.resource === 'namespaces') {
      if (op === 'delete' && UNDELETABLE.has(obj.metadata.name ?? '')) {
        throw errors.forbidden(entry, obj.metadata.name ?? '', 'this namespace may not be deleted');
      }
      return;
    }
    if (op !== 'create' || !entry.namespaced) return;
    const ns = obj.metadata.namespace ?? '';
    const found = cache.resource(namespaces.keyPrefix).items.get(`${namespaces.keyPrefix}${ns}`);
    if (!found) throw errors.notFound(namespaces, ns);
    if (found.obj.metadata.deletionTimestamp || (found.obj['status'] as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw errors.forbidden(entry, obj.metadata.name ?? '', `unable to create new content in namespace ${ns} because it is being terminated`);
    }
  };
}
