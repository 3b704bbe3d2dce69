// What both sides of the storage control plane read the same way: a claim's and a volume's
// class, access-mode and volume-mode compatibility, and the binding annotations (upstream's
// component-helpers/storage/volume). The API server's admission and the controllers (PV binder,
// scheduler's volume binding) import these, so a rule is written once.
import type { AccessMode, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeSpec } from './types.js';

/** On a claim: binding has been done once; later observations are read as "was bound". */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** On a claim or volume: the controller (not the user) wrote the binding. */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** On a volume: the provisioner that created it (the one that deletes it). */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the provisioner asked to provision it (GA and beta names, both set). */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a claim: the node the scheduler chose for a WaitForFirstConsumer claim. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** The beta class annotation, still read before spec.storageClassName. */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "". */
export function claimClass(pvc: PersistentVolumeClaim): string {
  const ann = pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return pvc.spec?.storageClassName ?? '';
}

/** PersistentVolumeClaimHasClass: the user asked for a class, even "" (no class). */
export function claimHasClass(pvc: PersistentVolumeClaim): boolean {
  return pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] !== undefined || pvc.spec?.storageClassName !== undefined;
}

/** GetPersistentVolumeClass: the beta annotation, else spec.storageClassName, else "". */
export function volumeClass(pv: PersistentVolume): string {
  const ann = pv.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return pv.spec?.storageClassName ?? '';
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function checkAccessModes(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  const offered = new Set<AccessMode>(volume.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/** CheckVolumeModeMismatches: an unset mode is Filesystem on both sides. */
export function volumeModeMismatch(claim: PersistentVolumeClaimSpec | undefined, volume: PersistentVolumeSpec | undefined): boolean {
  return (claim?.volumeMode ?? 'Filesystem') !== (volume?.volumeMode ?? 'Filesystem');
}

/** IsVolumeBoundToClaim: claimRef names this claim, and its uid (when set) is this claim's. */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** Whether the claim waits for the scheduler: it carries the selected-node annotation. */
export function isDelayBindingProvisioning(claim: PersistentVolumeClaim): boolean {
  return claim.metadata.annotations?.[ANN_SELECTED_NODE] !== undefined;
}
