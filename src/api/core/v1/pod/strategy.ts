// What the API server does to a pod on create, besides defaulting: status reset, the
// scheduling-gated condition, and matchLabelKeys folded into affinity selectors.
import type { LabelSelectorRequirement } from '../../../meta/types.js';
import type { Pod, PodAffinityTerm } from './types.js';
import { computeQOSClass } from './qos.js';

function affinityTerms(pod: Pod): PodAffinityTerm[] {
  const a = pod.spec?.affinity;
  const out: PodAffinityTerm[] = [];
  for (const pa of [a?.podAffinity, a?.podAntiAffinity]) {
    if (!pa) continue;
    out.push(...(pa.requiredDuringSchedulingIgnoredDuringExecution ?? []));
    for (const w of pa.preferredDuringSchedulingIgnoredDuringExecution ?? []) if (w.podAffinityTerm) out.push(w.podAffinityTerm);
  }
  return out;
}

/**
 * matchLabelKeys / mismatchLabelKeys name labels of this pod whose values join the term's
 * selector (In / NotIn). Upstream folds them in on create so the scheduler sees one selector.
 */
export function mutatePodAffinity(pod: Pod): void {
  const labels = pod.metadata.labels ?? {};
  for (const term of affinityTerms(pod)) {
    if (!term.labelSelector) continue;
    const extra: LabelSelectorRequirement[] = [];
    for (const k of term.matchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
    for (const k of term.mismatchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
    if (extra.length) term.labelSelector.matchExpressions = [...(term.labelSelector.matchExpressions ?? []), ...extra];
  }
}

export function preparePodForCreate(pod: Pod): void {
  pod.status = { phase: 'Pending', qosClass: computeQOSClass(pod) };
  if (pod.spec?.schedulingGates?.length) {
    pod.status.conditions = [
      { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: null, reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' },
    ];
  }
  mutatePodAffinity(pod);
}

/**
 * Grace period of a pod deletion: what the client asked for, else the pod's own; nothing for a
 * pod that never reached a node or has finished; at least 1 second when a negative one is given.
 */
export function podDeletionGracePeriod(pod: Pod, requested: number | undefined): number {
  let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
  if (!pod.spec?.nodeName) period = 0;
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') period = 0;
  if (period < 0) period = 1;
  return period;
}
