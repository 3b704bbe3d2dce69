// The pod a DaemonSet runs on one node: its template, the revision hash label, the tolerations
// every daemon pod gets (upstream's AddOrUpdateDaemonPodTolerations) and a required node
// affinity naming the node, so the default scheduler binds it there.
import type { DaemonSet } from '../../api/apps/v1/types.js';
import type { NodeSelectorTerm, Pod, Toleration } from '../../api/core/v1/pod/types.js';
import type { OwnerReference } from '../../api/meta/types.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/revision.js';

const exists = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect });

export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (hostNetwork) t.push(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return t;
}

/** Adds each default toleration unless one with the same key and effect is there already. */
export function withDaemonTolerations(existing: Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
  const out = [...(existing ?? [])];
  for (const t of daemonTolerations(hostNetwork)) {
    if (!out.some((e) => e.key === t.key && e.effect === t.effect)) out.push(t);
  }
  return out;
}

/** The pod as the template describes it, with daemon tolerations: used to judge eligibility. */
export function templatePod(ds: DaemonSet): Pod {
  const spec = structuredClone(ds.spec?.template?.spec ?? { containers: [] });
  spec.tolerations = withDaemonTolerations(spec.tolerations, !!spec.hostNetwork);
  return { metadata: { namespace: ds.metadata.namespace, labels: { ...(ds.spec?.template?.metadata?.labels ?? {}) } }, spec };
}

/**
 * Replaces any matchFields on metadata.name in the required node affinity with the one node
 * (upstream's ReplaceDaemonSetPodNodeNameNodeAffinity); other requirements are kept.
 */
export function pinToNode(pod: Pod, nodeName: string): void {
  const pin = { key: 'metadata.name', operator: 'In', values: [nodeName] };
  const spec = pod.spec!;
  const affinity = (spec.affinity ??= {});
  const nodeAffinity = (affinity.nodeAffinity ??= {});
  const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  const terms: NodeSelectorTerm[] = required?.nodeSelectorTerms?.length ? required.nodeSelectorTerms : [{}];
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: terms.map((t) => ({ ...t, matchFields: [pin] })),
  };
}

export function daemonPod(ds: DaemonSet, nodeName: string, hash: string, ref: OwnerReference): Pod {
  const base = templatePod(ds);
  const meta = ds.spec?.template?.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(meta.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
      ownerReferences: [ref],
    },
    spec: base.spec,
  };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
  pinToNode(pod, nodeName);
  return pod;
}

/** The node a daemon pod is on, or is pinned to while unscheduled (upstream's GetTargetNodeName). */
export function targetNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}
