// persistentVolumeClaimRetentionPolicy as owner references on a stateful pod's claims, upstream's
// isClaimOwnerUpToDate and updateClaimOwnerRefForSetAndPod (1.32: controller references, so the
// garbage collector deletes a claim with its owner):
//   whenDeleted Retain, whenScaled Retain: no reference of ours;
//   whenDeleted Delete, whenScaled Retain: the set owns the claim;
//   whenDeleted Retain, whenScaled Delete: the pod owns it once it is scaled away;
//   whenDeleted Delete, whenScaled Delete: the set, until scale-down hands it to the pod.
// A claim another controller manages, or one carrying a reference to an older set or pod of the
// same name, is left alone (references to ours only scrubbed).
import type { StatefulSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/types.js';
import type { KubeObject, OwnerReference } from '../../api/meta/types.js';

interface Kind {
  group: string;
  apiVersion: string;
  kind: string;
}
const SET: Kind = { group: 'apps', apiVersion: 'apps/v1', kind: 'StatefulSet' };
const POD: Kind = { group: '', apiVersion: 'v1', kind: 'Pod' };

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** The reference names this object's kind and name (its uid may differ: a stale reference). */
function matchesRef(ref: OwnerReference, obj: KubeObject, k: Kind): boolean {
  return groupOf(ref.apiVersion) === k.group && ref.kind === k.kind && ref.name === obj.metadata.name;
}

const hasOwnerRef = (claim: PersistentVolumeClaim, owner: KubeObject): boolean => (claim.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);

function hasStaleOwnerRef(claim: PersistentVolumeClaim, obj: KubeObject, k: Kind): boolean {
  const ref = (claim.metadata.ownerReferences ?? []).find((r) => matchesRef(r, obj, k));
  return ref !== undefined && ref.uid !== obj.metadata.uid;
}

export interface RetentionPolicy {
  whenDeleted: 'Retain' | 'Delete';
  whenScaled: 'Retain' | 'Delete';
}

/** The set's policy; anything but Delete is Retain (upstream logs an unknown value and retains). */
export function retentionPolicyOf(set: StatefulSet): RetentionPolicy {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted === 'Delete' ? 'Delete' : 'Retain', whenScaled: p?.whenScaled === 'Delete' ? 'Delete' : 'Retain' };
}

export function podInOrdinalRange(ordinal: number | undefined, set: StatefulSet): boolean {
  if (ordinal === undefined) return false;
  const start = set.spec?.ordinals?.start ?? 0;
  return ordinal >= start && ordinal < start + (set.spec?.replicas ?? 1);
}

/** Another controller owns the claim (or ours by an old uid): the policy does not apply to it. */
export function hasUnexpectedController(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  const policy = retentionPolicyOf(set);
  if (policy.whenDeleted === 'Retain' && policy.whenScaled === 'Retain') return false;
  for (const ref of claim.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, set, SET)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, POD)) {
      if (ref.uid !== pod.metadata.uid) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  return (claim.metadata.ownerReferences ?? []).some((r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && !r.controller);
}

export function isClaimOwnerUpToDate(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod, scaledDown: boolean): boolean {
  if (hasStaleOwnerRef(claim, set, SET) || hasStaleOwnerRef(claim, pod, POD)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const { whenDeleted, whenScaled } = retentionPolicyOf(set);
  const bySet = hasOwnerRef(claim, set);
  const byPod = hasOwnerRef(claim, pod);
  if (whenScaled === 'Retain' && whenDeleted === 'Retain') return !bySet && !byPod;
  if (whenScaled === 'Retain') return bySet && !byPod;
  if (whenDeleted === 'Retain') return !bySet && scaledDown === byPod;
  return scaledDown !== bySet && scaledDown === byPod;
}

function controllerRef(owner: KubeObject, k: Kind): OwnerReference {
  return { apiVersion: k.apiVersion, kind: k.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** The claim's owner references as the policy wants them (ours scrubbed, then added back as controllers). */
export function claimOwnerRefs(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod, scaledDown: boolean): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = (claim.metadata.ownerReferences ?? []).filter((r) => !matchesRef(r, set, SET) && !matchesRef(r, pod, POD));
  if (unexpected) return refs;
  const { whenDeleted, whenScaled } = retentionPolicyOf(set);
  if (whenScaled === 'Retain' && whenDeleted === 'Delete') refs.push(controllerRef(set, SET));
  else if (whenScaled === 'Delete' && whenDeleted === 'Retain') {
    if (scaledDown) refs.push(controllerRef(pod, POD));
  } else if (whenScaled === 'Delete' && whenDeleted === 'Delete') refs.push(scaledDown ? controllerRef(pod, POD) : controllerRef(set, SET));
  return refs;
}
