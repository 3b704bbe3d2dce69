// StorageObjectInUseProtection admission: every new PersistentVolumeClaim gets the
// kubernetes.io/pvc-protection finalizer and every new PersistentVolume kubernetes.io/pv-protection,
// so neither disappears while in use; the pvc-protection and pv-protection controllers remove
// them once it is safe. Only creates, as upstream (the controllers add them to older objects).
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../../api/core/v1/storage-helpers.js';
import type { AdmissionCheck } from '../rest/resource-store.js';

export function storageObjectInUseProtection(): AdmissionCheck {
  return (entry, obj, op, _old, _requester, attrs) => {
    if (op !== 'create' || entry.group !== '' || attrs?.subresource) return;
    const finalizer = entry.resource === 'persistentvolumeclaims' ? PVC_PROTECTION_FINALIZER : entry.resource === 'persistentvolumes' ? PV_PROTECTION_FINALIZER : undefined;
    if (!finalizer) return;
    const finalizers = (obj.metadata.finalizers ??= []);
    if (!finalizers.includes(finalizer)) finalizers.push(finalizer);
  };
}
