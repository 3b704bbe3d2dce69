// The PersistentVolume a dynamic provisioner creates for a claim, as sig-storage's external
// provisioner library builds it: named pvc-<claim uid>, pre-bound to the claim (claimRef with its
// uid, so the PV binder completes the binding), the claim's class, access modes and volume mode,
// the class's reclaim policy (Delete when unset) and mount options, and provisioned-by naming
// the provisioner (the PV binder then leaves deletion of a released volume to it). The
// provisioner adds its volume source and, for node-local storage, node affinity.
import type { StorageClass } from '../../storage/v1/types.js';
import { ANN_DYNAMICALLY_PROVISIONED, claimClass } from './storage-helpers.js';
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeSpec } from './types.js';

export const provisionedVolumeName = (claim: PersistentVolumeClaim): string => `pvc-${claim.metadata.uid}`;

export function provisionedVolume(claim: PersistentVolumeClaim, sc: StorageClass, provisioner: string, source: Partial<PersistentVolumeSpec>): PersistentVolume {
  const spec: PersistentVolumeSpec = {
    ...source,
    capacity: { storage: claim.spec?.resources?.requests?.['storage'] ?? '0' },
    accessModes: [...(claim.spec?.accessModes ?? [])],
    claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion },
    persistentVolumeReclaimPolicy: (sc.reclaimPolicy as PersistentVolumeSpec['persistentVolumeReclaimPolicy']) ?? 'Delete',
    storageClassName: claimClass(claim),
    volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
  };
  if (sc.mountOptions?.length) spec.mountOptions = [...sc.mountOptions];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: provisionedVolumeName(claim), annotations: { [ANN_DYNAMICALLY_PROVISIONED]: provisioner } },
    spec,
  };
}
