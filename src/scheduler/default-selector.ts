// The selector default topology spreading counts a pod's siblings with (upstream's
// helper.DefaultSelector): the selectors of the Services that select the pod, and of the
// ReplicationController, ReplicaSet or StatefulSet that controls it, all required at once.
import type { ReplicaSet, StatefulSet } from '../api/apps/v1/types.js';
import type { Service } from '../api/core/v1/types.js';
import type { Pod, ReplicationController } from '../api/core/v1/pod/types.js';
import { Requirement, selectorFromLabelSelector, selectorFromRequirements, selectorFromSet, type Selector } from '../api/labels/index.js';
import type { LabelSelector } from '../api/meta/types.js';

/** What the scheduler's informers know of the workloads that own or select pods. */
export interface WorkloadListers {
  services(namespace: string): Service[];
  replicationController(namespace: string, name: string): ReplicationController | undefined;
  replicaSet(namespace: string, name: string): ReplicaSet | undefined;
  statefulSet(namespace: string, name: string): StatefulSet | undefined;
}

export const NO_WORKLOADS: WorkloadListers = {
  services: () => [],
  replicationController: () => undefined,
  replicaSet: () => undefined,
  statefulSet: () => undefined,
};

/** The requirements of a structured selector; none when it does not parse, as upstream ignores it. */
function requirementsOf(ls: LabelSelector | undefined): Requirement[] {
  if (!ls) return [];
  try {
    return selectorFromLabelSelector(ls).requirements();
  } catch {
    return [];
  }
}

/** An empty selector (no requirements) means the pod has no siblings to spread from. */
export function defaultSelector(pod: Pod, listers: WorkloadListers): Selector {
  const ns = pod.metadata.namespace ?? 'default';
  const podLabels = pod.metadata.labels ?? {};
  // Services, RCs, RSs and StatefulSets that match the pod cannot disagree on a label, so
  // merging their maps is safe (later ones win, as labels.Merge).
  const set: Record<string, string> = {};
  for (const svc of listers.services(ns)) {
    // A Service without a selector selects nothing, not everything.
    const sel = svc.spec?.selector;
    if (!sel) continue;
    if (selectorFromSet(sel).matches(podLabels)) Object.assign(set, sel);
  }
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  let extra: Requirement[] = [];
  if (owner?.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
    Object.assign(set, listers.replicationController(ns, owner.name)?.spec?.selector ?? {});
  } else if (owner?.apiVersion === 'apps/v1' && owner.kind === 'ReplicaSet') {
    extra = requirementsOf(listers.replicaSet(ns, owner.name)?.spec?.selector);
  } else if (owner?.apiVersion === 'apps/v1' && owner.kind === 'StatefulSet') {
    extra = requirementsOf(listers.statefulSet(ns, owner.name)?.spec?.selector);
  }
  return selectorFromRequirements([...selectorFromSet(set).requirements(), ...extra]);
}
