// PodTopologySpread: keep the number of matching pods per topology domain within maxSkew of
// the least-populated domain. DoNotSchedule constraints filter; ScheduleAnyway constraints score.
// A pod without constraints of its own gets the default constraints (upstream's
// PodTopologySpreadArgs), counted over the pods its Services and controller select.
import type { TopologySpreadConstraint } from '../../api/core/v1/pod/types.js';
import { selectorFromLabelSelector, type Selector } from '../../api/labels/index.js';
import { defaultSelector, NO_WORKLOADS, type WorkloadListers } from '../default-selector.js';
import { MAX_NODE_SCORE, SKIP, unresolvable, unschedulable, type CycleState, type FilterPlugin, type ScorePlugin } from '../framework.js';
import { podMatchesNodeSelectorAndAffinity, tolerated } from '../match.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;
const HOSTNAME = 'kubernetes.io/hostname';

export type DefaultingType = 'System' | 'List';

/** Upstream's systemDefaultConstraints: soft spreading over hosts and, where labelled, zones. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

export interface PodTopologySpreadOptions {
  /** System (the default): SYSTEM_DEFAULT_CONSTRAINTS. List: exactly `defaultConstraints` (empty disables). */
  defaultingType?: DefaultingType;
  defaultConstraints?: TopologySpreadConstraint[];
  /** Where the default selector's Services and controllers are looked up. */
  workloads?: WorkloadListers;
}

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

/** The constraints of one kind in effect for the pod, with whether every node must carry all their keys. */
interface Effective {
  constraints: Constraint[];
  requireAllTopologies: boolean;
}

function compile(list: readonly TopologySpreadConstraint[], when: 'DoNotSchedule' | 'ScheduleAnyway', selectorFor: (c: TopologySpreadConstraint) => Selector): Constraint[] {
  const out: Constraint[] = [];
  for (const c of list) {
    if (c.whenUnsatisfiable !== when) continue;
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector: selectorFor(c),
      minDomains: c.minDomains ?? 1,
      honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

/** A pod's own constraint's selector, with matchLabelKeys folded in. */
function ownSelector(c: TopologySpreadConstraint, labels: Record<string, string>): Selector {
  const ls = { matchLabels: { ...c.labelSelector?.matchLabels }, matchExpressions: [...(c.labelSelector?.matchExpressions ?? [])] };
  for (const k of c.matchLabelKeys ?? []) if (labels[k] !== undefined) ls.matchExpressions.push({ key: k, operator: 'In', values: [labels[k]] });
  try {
    return selectorFromLabelSelector(c.labelSelector ? ls : undefined);
  } catch {
    return selectorFromLabelSelector(undefined);
  }
}

function hasAllKeys(node: NodeInfo, cs: Constraint[]): boolean {
  const labels = node.node.metadata.labels ?? {};
  return cs.every((c) => labels[c.topologyKey] !== undefined);
}

/** Whether the node counts as a domain member under the constraint's inclusion policies. */
function included(state: CycleState, node: NodeInfo, c: Constraint): boolean {
  if (c.honorAffinity && !podMatchesNodeSelectorAndAffinity(state.pod.pod, node.node)) return false;
  if (c.honorTaints) {
    for (const t of node.node.spec?.taints ?? []) {
      if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerated(state.pod.pod.spec?.tolerations, t)) return false;
    }
  }
  return true;
}

function countMatching(state: CycleState, node: NodeInfo, selector: Selector): number {
  const ns = state.pod.pod.metadata.namespace;
  let n = 0;
  for (const pi of node.pods.values()) {
    if (pi.pod.metadata.deletionTimestamp || pi.pod.metadata.namespace !== ns || state.excluded.has(pi.key)) continue;
    if (selector.matches(pi.pod.metadata.labels ?? {})) n++;
  }
  return n;
}

const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;
/** Cycle-state key of what PreScore computed (read once per scored node, so not built each time). */
const SCORE_STATE = 'PodTopologySpread/score';

interface FilterState {
  constraints: Constraint[];
  counts: Map<string, number>;
  /** Per constraint: smallest count over its domains, and how many domains there are. */
  minMatch: number[];
  domains: number[];
}

interface ScoreState {
  constraints: Constraint[];
  counts: Map<string, number>;
  weights: number[];
  ignored: Set<string>;
}

export class PodTopologySpreadPlugin implements FilterPlugin, ScorePlugin {
  readonly name = 'PodTopologySpread';
  readonly weight = 2;
  private readonly defaults: readonly TopologySpreadConstraint[];
  /** System defaulting lets nodes without a zone label still be spread over by hostname. */
  private readonly systemDefaulted: boolean;
  private readonly workloads: WorkloadListers;

  constructor(opts: PodTopologySpreadOptions = {}) {
    this.systemDefaulted = (opts.defaultingType ?? 'System') === 'System';
    this.defaults = this.systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (opts.defaultConstraints ?? []);
    this.workloads = opts.workloads ?? NO_WORKLOADS;
  }

  /** The pod's own constraints when it has any, else the defaults over its siblings (upstream's buildDefaultConstraints). */
  private effective(pi: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Effective {
    const labels = pi.pod.metadata.labels ?? {};
    const own = (pi.pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[];
    if (own.length > 0) return { constraints: compile(own, when, (c) => ownSelector(c, labels)), requireAllTopologies: true };
    const requireAllTopologies = !this.systemDefaulted;
    if (!this.defaults.some((c) => c.whenUnsatisfiable === when)) return { constraints: [], requireAllTopologies };
    const selector = defaultSelector(pi.pod, this.workloads);
    if (selector.empty()) return { constraints: [], requireAllTopologies };
    return { constraints: compile(this.defaults, when, () => selector), requireAllTopologies };
  }

  preFilter(state: CycleState) {
    const { constraints } = this.effective(state.pod, 'DoNotSchedule');
    if (constraints.length === 0) return SKIP;
    const counts = new Map<string, number>();
    for (const node of state.cache.nodeList()) {
      if (!hasAllKeys(node, constraints)) continue;
      const labels = node.node.metadata.labels!;
      for (const c of constraints) {
        if (!included(state, node, c)) continue;
        const k = pairKey(c.topologyKey, labels[c.topologyKey]!);
        counts.set(k, (counts.get(k) ?? 0) + countMatching(state, node, c.selector));
      }
    }
    const minMatch = constraints.map(() => Infinity);
    const domains = constraints.map(() => 0);
    for (const [k, n] of counts) {
      const key = k.slice(0, k.indexOf('\u0000'));
      constraints.forEach((c, i) => {
        if (c.topologyKey !== key) return;
        domains[i]!++;
        if (n < minMatch[i]!) minMatch[i] = n;
      });
    }
    state.write(this.name, { constraints, counts, minMatch, domains } satisfies FilterState);
    return undefined;
  }

  filter(state: CycleState, node: NodeInfo) {
    const s = state.read<FilterState>(this.name);
    if (!s) return undefined;
    const labels = node.node.metadata.labels ?? {};
    const podLabels = state.pod.pod.metadata.labels ?? {};
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = labels[c.topologyKey];
      if (value === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      const minMatch = s.domains[i]! < c.minDomains || s.minMatch[i] === Infinity ? 0 : s.minMatch[i]!;
      const self = c.selector.matches(podLabels) ? 1 : 0;
      const skew = (s.counts.get(pairKey(c.topologyKey, value)) ?? 0) + self - minMatch;
      if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return undefined;
  }

  preScore(state: CycleState, nodes: NodeInfo[]): boolean {
    const { constraints, requireAllTopologies } = this.effective(state.pod, 'ScheduleAnyway');
    if (constraints.length === 0) return false;
    const ignored = new Set<string>();
    const counts = new Map<string, number>();
    // Domains per constraint, for its weight. A node lacking a key (allowed under system
    // defaulting) forms the "" domain, as upstream; Score never reads that domain's count (such a
    // node skips the constraint), so no count is kept for it. Hostname counts are taken in Score.
    const values = constraints.map(() => new Set<string>());
    for (const node of nodes) {
      if (requireAllTopologies && !hasAllKeys(node, constraints)) {
        ignored.add(node.name);
        continue;
      }
      const labels = node.node.metadata.labels ?? {};
      for (let i = 0; i < constraints.length; i++) {
        const key = constraints[i]!.topologyKey;
        if (key === HOSTNAME) continue;
        const v = labels[key];
        values[i]!.add(v ?? '');
        if (v !== undefined) counts.set(pairKey(key, v), 0);
      }
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? nodes.length - ignored.size : values[i]!.size) + 2));
    // Every node of the cluster counts towards the domains of the nodes being scored.
    if (counts.size > 0) {
      for (const node of state.cache.nodeList()) {
        if (requireAllTopologies && !hasAllKeys(node, constraints)) continue;
        const labels = node.node.metadata.labels ?? {};
        for (const c of constraints) {
          const v = labels[c.topologyKey];
          if (c.topologyKey === HOSTNAME || v === undefined) continue;
          const k = pairKey(c.topologyKey, v);
          const have = counts.get(k);
          if (have !== undefined && included(state, node, c)) counts.set(k, have + countMatching(state, node, c.selector));
        }
      }
    }
    state.write(SCORE_STATE, { constraints, counts, weights, ignored } satisfies ScoreState);
    return true;
  }

  score(state: CycleState, node: NodeInfo): number {
    const s = state.read<ScoreState>(SCORE_STATE)!;
    if (s.ignored.has(node.name)) return 0;
    const labels = node.node.metadata.labels ?? {};
    let total = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = labels[c.topologyKey];
      if (value === undefined) continue;
      const cnt = c.topologyKey === HOSTNAME ? countMatching(state, node, c.selector) : (s.counts.get(pairKey(c.topologyKey, value)) ?? 0);
      total += cnt * s.weights[i]! + (c.maxSkew - 1);
    }
    return Math.round(total);
  }

  normalize(state: CycleState, scores: number[], nodes: NodeInfo[]): void {
    const s = state.read<ScoreState>(SCORE_STATE)!;
    let min = Infinity;
    let max = 0;
    nodes.forEach((n, i) => {
      if (s.ignored.has(n.name)) return;
      min = Math.min(min, scores[i]!);
      max = Math.max(max, scores[i]!);
    });
    nodes.forEach((n, i) => {
      if (s.ignored.has(n.name)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
    });
  }
}
