// The matching rules the plugins share: node selector terms against a node, tolerations
// against taints, pod affinity terms against pods.
import type { Node, Taint } from '../api/core/v1/types.js';
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, PodAffinityTerm, Toleration } from '../api/core/v1/pod/types.js';
import { selectorFromLabelSelector, type Selector } from '../api/labels/index.js';

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined, present: boolean): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return present && values.includes(value!);
    case 'NotIn':
      return !present || !values.includes(value!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      if (!present || values.length !== 1) return false;
      const have = Number(value);
      const want = Number(values[0]);
      if (!Number.isInteger(have) || !Number.isInteger(want)) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** One term: every expression and field requirement holds. An empty term matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) {
    const present = Object.prototype.hasOwnProperty.call(labels, r.key);
    if (!requirementMatches(r, labels[r.key], present)) return false;
  }
  for (const r of fields) {
    // metadata.name is the only field upstream supports here.
    if (r.key !== 'metadata.name') return false;
    if (!requirementMatches(r, node.metadata.name, true)) return false;
  }
  return true;
}

/** The pod's nodeSelector and required node affinity (terms are ORed). */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const sel = pod.spec?.nodeSelector;
  if (sel) {
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) return (required.nodeSelectorTerms ?? []).some((t) => nodeSelectorTermMatches(t, node));
  return true;
}

export function tolerationTolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator && t.operator !== 'Equal') return false;
  return (t.value ?? '') === (taint.value ?? '');
}

export function tolerated(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => tolerationTolerates(t, taint));
}

/** A pod affinity term made ready to match: its namespaces resolved and selector parsed. */
export interface AffinityTerm {
  topologyKey: string;
  selector: Selector;
  namespaces: Set<string>;
  /** When set, namespaces whose labels match this also count (namespaceSelector). */
  namespaceSelector?: Selector;
  weight: number;
}

export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

/**
 * Upstream's term semantics: no namespaces and no namespaceSelector means the pod's own
 * namespace; an empty namespaceSelector means every namespace. matchLabelKeys and
 * mismatchLabelKeys add the owning pod's label values to the selector.
 */
export function compileAffinityTerm(owner: Pod, term: PodAffinityTerm, weight = 1): AffinityTerm {
  const ls = term.labelSelector ? { matchLabels: { ...term.labelSelector.matchLabels }, matchExpressions: [...(term.labelSelector.matchExpressions ?? [])] } : undefined;
  const labels = owner.metadata.labels ?? {};
  if (ls) {
    for (const k of term.matchLabelKeys ?? []) if (labels[k] !== undefined) ls.matchExpressions.push({ key: k, operator: 'In', values: [labels[k]] });
    for (const k of term.mismatchLabelKeys ?? []) if (labels[k] !== undefined) ls.matchExpressions.push({ key: k, operator: 'NotIn', values: [labels[k]] });
  }
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(owner.metadata.namespace ?? 'default');
  return {
    topologyKey: term.topologyKey,
    selector: selectorFromLabelSelector(ls),
    namespaces,
    namespaceSelector: term.namespaceSelector ? selectorFromLabelSelector(term.namespaceSelector) : undefined,
    weight,
  };
}

export function affinityTermMatches(term: AffinityTerm, pod: Pod, nsLabels: NamespaceLabels): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  if (!term.namespaces.has(ns)) {
    if (!term.namespaceSelector) return false;
    if (!term.namespaceSelector.matches(nsLabels(ns) ?? {})) return false;
  }
  return term.selector.matches(pod.metadata.labels ?? {});
}
