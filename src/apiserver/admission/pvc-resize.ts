// PersistentVolumeClaimResize admission (validating): growing a claim's storage request is only
// for a bound claim whose StorageClass sets allowVolumeExpansion: true; shrinking is refused by
// validation before this runs. Upstream's messages, as a 403.
import { quantityOfString } from './quantity-of.js';
import { claimClass } from '../../api/core/v1/storage-helpers.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/types.js';
import type { StorageClass } from '../../api/storage/v1/types.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export function pvcResizeAdmission(cache: WatchCache, storageClasses: ResourceEntry): AdmissionCheck {
  const classNamed = (name: string) => cache.resource(storageClasses.keyPrefix).items.get(`${storageClasses.keyPrefix}${name}`)?.obj as StorageClass | undefined;
  return (entry, obj, op, old, _requester, attrs) => {
    if (op !== 'update' || !old || entry.group !== '' || entry.resource !== 'persistentvolumeclaims' || attrs?.subresource) return;
    const pvc = obj as PersistentVolumeClaim;
    const oldPvc = old as PersistentVolumeClaim;
    const newSize = quantityOfString(pvc.spec?.resources?.requests?.['storage']);
    const oldSize = quantityOfString(oldPvc.spec?.resources?.requests?.['storage']);
    if (!newSize || !oldSize || newSize.cmp(oldSize) <= 0) return;
    const name = pvc.metadata.name ?? '';
    if (oldPvc.status?.phase !== 'Bound') throw errors.forbidden(entry, name, 'Only bound persistent volume claims can be expanded');
    const className = claimClass(pvc);
    const sc = className ? classNamed(className) : undefined;
    if (sc?.allowVolumeExpansion !== true) {
      throw errors.forbidden(entry, name, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    }
  };
}
