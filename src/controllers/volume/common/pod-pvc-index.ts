// The pods' index by the claims they reference ("namespace/claim"), upstream's PodPVCIndex:
// claims named in persistentVolumeClaim volumes and the `<pod>-<volume>` claims of ephemeral
// volumes. Shared by every controller reading the pod informer under the same name.
import type { Pod } from '../../../api/core/v1/pod/types.js';
import type { Informer } from '../../../client/informer.js';

export const POD_PVC_INDEX = 'pvc';

/** The claim an ephemeral volume of a pod gets: `<pod>-<volume>`, upstream's VolumeClaimName. */
export const ephemeralClaimName = (pod: Pod, volumeName: string): string => `${pod.metadata.name}-${volumeName}`;

export function claimKeysOf(pod: Pod): string[] {
  const ns = pod.metadata.namespace ?? '';
  const keys: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (claim) keys.push(`${ns}/${claim}`);
    if (v.ephemeral) keys.push(`${ns}/${ephemeralClaimName(pod, v.name)}`);
  }
  return keys;
}

export function addPodPvcIndex(pods: Informer<Pod>): void {
  pods.addIndex(POD_PVC_INDEX, claimKeysOf);
}
