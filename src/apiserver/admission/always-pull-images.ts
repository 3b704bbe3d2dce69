// AlwaysPullImages admission (off by default): every container of a new pod, or of an update
// that brings a new image, pulls its image afresh, so a pod cannot use an image cached on its
// node by someone allowed to pull it.
import type { Container, Pod } from '../../api/core/v1/pod/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import type { AdmissionCheck } from '../rest/resource-store.js';

function containers(pod: KubeObject | undefined): Container[] {
  const spec = (pod as Pod | undefined)?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...((spec?.ephemeralContainers ?? []) as Container[])];
}

export function alwaysPullImages(): AdmissionCheck {
  return (entry, obj, op, old) => {
    if (entry.group !== '' || entry.resource !== 'pods' || (op !== 'create' && op !== 'update')) return;
    if (op === 'update') {
      // An update that only keeps images already admitted leaves the pod as it is (upstream's isUpdateWithNoNewImages).
      const before = new Set(containers(old).map((c) => c.image));
      if (containers(obj).every((c) => before.has(c.image))) return;
    }
    for (const c of containers(obj)) c.imagePullPolicy = 'Always';
  };
}
