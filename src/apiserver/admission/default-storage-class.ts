// DefaultStorageClass admission: a new PersistentVolumeClaim that names no class (neither
// spec.storageClassName, not even "", nor the beta annotation) gets the default StorageClass.
// Several defaults: the newest, as 1.32. No default: the claim is left alone (the PV binder
// assigns one retroactively once a default appears). Only creates, as upstream.
import { claimHasClass } from '../../api/core/v1/storage-helpers.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/types.js';
import { defaultStorageClassOf } from '../../api/storage/v1/default-class.js';
import type { StorageClass } from '../../api/storage/v1/types.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export function defaultStorageClassAdmission(cache: WatchCache, storageClasses: ResourceEntry): AdmissionCheck {
  return (entry, obj, op, _old, _requester, attrs) => {
    if (op !== 'create' || entry.group !== '' || entry.resource !== 'persistentvolumeclaims' || attrs?.subresource) return;
    const pvc = obj as PersistentVolumeClaim;
    if (claimHasClass(pvc)) return;
    const classes = [...cache.resource(storageClasses.keyPrefix).items.values()].map((i) => i.obj as StorageClass);
    const def = defaultStorageClassOf(classes);
    if (def?.metadata.name) (pvc.spec ??= {}).storageClassName = def.metadata.name;
  };
}
