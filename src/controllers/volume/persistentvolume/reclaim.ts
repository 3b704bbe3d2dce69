// What reclaiming a released volume means, decided from the volume alone (upstream's
// reclaimVolume, findDeletablePlugin and the in-tree deleters it would call). k8ts has no in-tree
// volume plugins in the controller manager; what upstream's plugins would do is reproduced where
// it is only a decision, and left to external provisioners where it is real work:
//   Retain: nothing; the volume stays Released with its claimRef.
//   Delete, provisioned by an external provisioner (pv.kubernetes.io/provisioned-by not under
//     kubernetes.io/) or a CSI volume: the provisioner deletes the asset and the PV; we wait.
//   Delete, a hostPath PV: upstream's hostPath deleter accepts only /tmp/.+ and then removes the
//     PV (the directory lives on a node, which the controller manager does not touch).
//   Delete, anything else: no deleter, the volume goes Failed with upstream's message.
//   Recycle (deprecated): there is no recycler, the volume goes Failed as upstream without one.
import { ANN_DYNAMICALLY_PROVISIONED } from '../../../api/core/v1/storage-helpers.js';
import type { PersistentVolume } from '../../../api/core/v1/types.js';

export type ReclaimAction =
  | { kind: 'retain' }
  | { kind: 'external' }
  | { kind: 'delete' }
  | { kind: 'fail'; reason: string; message: string };

const HOSTPATH_DELETABLE = /\/tmp\/.+/;

function deleteAction(pv: PersistentVolume): ReclaimAction {
  const name = pv.metadata.name ?? '';
  const provisionedBy = pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED];
  if (provisionedBy) {
    if (!provisionedBy.startsWith('kubernetes.io/')) return { kind: 'external' };
    return { kind: 'fail', reason: 'VolumeFailedDelete', message: `no volume plugin matched name: ${provisionedBy}` };
  }
  // HonorPVReclaimPolicy (on in 1.32): a CSI volume is its driver's to delete.
  if (pv.spec?.csi) return { kind: 'external' };
  const hostPath = pv.spec?.hostPath?.['path'];
  if (typeof hostPath === 'string') {
    if (!HOSTPATH_DELETABLE.test(hostPath)) return { kind: 'fail', reason: 'VolumeFailedDelete', message: `host_path deleter only supports /tmp/.+ but received provided ${hostPath}` };
    return { kind: 'delete' };
  }
  return { kind: 'fail', reason: 'VolumeFailedDelete', message: `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched` };
}

export function reclaimAction(pv: PersistentVolume): ReclaimAction {
  switch (pv.spec?.persistentVolumeReclaimPolicy) {
    case 'Retain':
      return { kind: 'retain' };
    case 'Delete':
      return deleteAction(pv);
    case 'Recycle':
      return { kind: 'fail', reason: 'VolumeFailedRecycle', message: 'No recycler plugin found for the volume!' };
    default:
      return { kind: 'fail', reason: 'VolumeUnknownReclaimPolicy', message: 'Volume has unrecognized PersistentVolumeReclaimPolicy' };
  }
}
