// The pod a replica controller creates from its template (upstream's GetPodFromTemplate):
// template labels, annotations and finalizers, the spec, a generated name after the owner's.
import type { Pod, PodTemplateSpec } from '../../api/core/v1/pod/types.js';
import type { OwnerReference } from '../../api/meta/types.js';

export function podFromTemplate(template: PodTemplateSpec, ownerName: string, namespace: string, controllerRef: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ownerName}-`,
      namespace,
      ownerReferences: [controllerRef],
    },
    spec: structuredClone(template.spec),
  };
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
