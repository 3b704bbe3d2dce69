// Which nodes a daemon pod belongs on (upstream's NodeShouldRunDaemonPod): the pod's node
// selector and required node affinity must match the node, and its tolerations must cover the
// node's NoSchedule taints (to be placed) and NoExecute taints (to keep running).
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, Toleration } from '../../api/core/v1/pod/types.js';
import type { Node, Taint } from '../../api/core/v1/types.js';

export interface Eligibility {
  /** A daemon pod should be created on the node. */
  shouldRun: boolean;
  /** An existing daemon pod may stay on the node. */
  shouldContinueRunning: boolean;
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key ? t.key !== taint.key : t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

const toleratedBy = (tolerations: Toleration[], taint: Taint): boolean => tolerations.some((t) => tolerates(t, taint));

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(values[0]!, 10);
      if (!Number.isFinite(have) || !Number.isFinite(want)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** A term with no requirements matches nothing, as upstream's NodeSelector does. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  if (!exprs.every((r) => requirementMatches(r, labels[r.key]))) return false;
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name));
}

export function podFitsNode(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !required.nodeSelectorTerms.some((t) => termMatches(t, node))) return false;
  return true;
}

export function eligibility(pod: Pod, node: Node): Eligibility {
  if (!podFitsNode(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = pod.spec?.tolerations ?? [];
  const taints = node.spec?.taints ?? [];
  const untoleratedExecute = taints.some((t) => t.effect === 'NoExecute' && !toleratedBy(tolerations, t));
  if (untoleratedExecute) return { shouldRun: false, shouldContinueRunning: false };
  const untoleratedSchedule = taints.some((t) => t.effect === 'NoSchedule' && !toleratedBy(tolerations, t));
  return { shouldRun: !untoleratedSchedule, shouldContinueRunning: true };
}
