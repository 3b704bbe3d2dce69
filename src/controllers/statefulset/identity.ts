// A StatefulSet pod's identity: its ordinal name, the labels naming it, hostname and subdomain
// under the governing service, and its own PersistentVolumeClaims from the claim templates.
import type { StatefulSet } from '../../api/apps/v1/types.js';
import type { Pod, Volume } from '../../api/core/v1/pod/types.js';
import type { KubeObject, OwnerReference } from '../../api/meta/types.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/revision.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata.name}-${ordinal}`;

/** The ordinal in a pod's name, or undefined when the name isn't `<set>-<n>`. */
export function ordinalOf(set: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number.parseInt(rest, 10) : undefined;
}

export const claimName = (claim: string, set: StatefulSet, ordinal: number): string => `${claim}-${set.metadata.name}-${ordinal}`;

/** The PVCs of one ordinal: template labels plus the set's selector labels, as upstream. */
export function claimsFor(set: StatefulSet, ordinal: number): KubeObject[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const meta = t.metadata ?? {};
    const claim: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(meta.name ?? '', set, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(meta.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      },
      spec: structuredClone(t.spec ?? {}),
    };
    if (meta.annotations) claim.metadata.annotations = { ...meta.annotations };
    return claim;
  });
}

/** The pod of one ordinal at a revision (`revision` is the ControllerRevision's name). */
export function statefulPod(set: StatefulSet, template: StatefulSet['spec'], ordinal: number, revision: string, ref: OwnerReference): Pod {
  const tmpl = template?.template ?? {};
  const meta = tmpl.metadata ?? {};
  const name = podName(set, ordinal);
  const spec = structuredClone(tmpl.spec ?? { containers: [] });
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  // Each claim template becomes a volume of that name, replacing a template volume of the same name.
  const claims = set.spec?.volumeClaimTemplates ?? [];
  if (claims.length) {
    const names = new Set(claims.map((c) => c.metadata?.name));
    const volumes: Volume[] = (spec.volumes ?? []).filter((v) => !names.has(v.name));
    for (const c of claims) volumes.push({ name: c.metadata?.name ?? '', persistentVolumeClaim: { claimName: claimName(c.metadata?.name ?? '', set, ordinal) } } as Volume);
    spec.volumes = volumes;
  }
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(meta.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH_LABEL]: revision },
      ownerReferences: [ref],
    },
    spec,
  };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
