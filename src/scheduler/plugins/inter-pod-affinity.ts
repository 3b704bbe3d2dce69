// InterPodAffinity: required pod affinity and anti-affinity of the incoming pod, and the
// required anti-affinity of pods already placed (filter); preferred terms on both sides (score).
import { MAX_NODE_SCORE, SKIP, unresolvable, unschedulable, type CycleState, type FilterPlugin, type ScorePlugin } from '../framework.js';
import { affinityTermMatches, type AffinityTerm } from '../match.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
/** Weight of an existing pod's required affinity term when scoring the other side (upstream's default 1). */
const HARD_POD_AFFINITY_WEIGHT = 1;

/** topologyKey -> topology value -> number. */
type TopologyCounts = Map<string, Map<string, number>>;

function bump(m: TopologyCounts, key: string, value: string | undefined, by: number): void {
  if (value === undefined) return;
  let inner = m.get(key);
  if (!inner) m.set(key, (inner = new Map()));
  inner.set(value, (inner.get(value) ?? 0) + by);
}

function countAt(m: TopologyCounts, key: string, node: NodeInfo): number {
  const v = node.node.metadata.labels?.[key];
  return v === undefined ? 0 : (m.get(key)?.get(v) ?? 0);
}

interface FilterState {
  existingAnti: TopologyCounts;
  affinity: TopologyCounts;
  anti: TopologyCounts;
  /** Whether any existing pod matched the incoming pod's affinity terms at all. */
  affinityMatchedSomething: boolean;
}

export class InterPodAffinityPlugin implements FilterPlugin, ScorePlugin {
  readonly name = 'InterPodAffinity';
  readonly weight = 2;

  preFilter(state: CycleState) {
    const me = state.pod;
    const hasOwn = me.requiredAffinity.length + me.requiredAntiAffinity.length > 0;
    if (!hasOwn && !state.cache.hasAffinityPods()) return SKIP;
    const s: FilterState = { existingAnti: new Map(), affinity: new Map(), anti: new Map(), affinityMatchedSomething: false };
    for (const node of state.cache.nodeList()) {
      const labels = node.node.metadata.labels ?? {};
      for (const other of node.podsWithAffinity.values()) {
        if (state.excluded.has(other.key) || other.key === me.key) continue;
        for (const t of other.requiredAntiAffinity) if (affinityTermMatches(t, me.pod, state.nsLabels)) bump(s.existingAnti, t.topologyKey, labels[t.topologyKey], 1);
      }
      if (!hasOwn) continue;
      for (const other of node.pods.values()) {
        if (state.excluded.has(other.key) || other.key === me.key) continue;
        if (me.requiredAffinity.length && me.requiredAffinity.every((t) => affinityTermMatches(t, other.pod, state.nsLabels))) {
          s.affinityMatchedSomething = true;
          for (const t of me.requiredAffinity) bump(s.affinity, t.topologyKey, labels[t.topologyKey], 1);
        }
        for (const t of me.requiredAntiAffinity) if (affinityTermMatches(t, other.pod, state.nsLabels)) bump(s.anti, t.topologyKey, labels[t.topologyKey], 1);
      }
    }
    state.write(this.name, s);
    return undefined;
  }

  filter(state: CycleState, node: NodeInfo) {
    const s = state.read<FilterState>(this.name);
    if (!s) return undefined;
    const me = state.pod;
    if (me.requiredAffinity.length) {
      const satisfied = me.requiredAffinity.every((t) => countAt(s.affinity, t.topologyKey, node) > 0);
      // The first pod of a group that selects itself may go anywhere its topology keys exist.
      const selfStart = !s.affinityMatchedSomething && me.requiredAffinity.every((t) => affinityTermMatches(t, me.pod, state.nsLabels) && node.node.metadata.labels?.[t.topologyKey] !== undefined);
      if (!satisfied && !selfStart) return unresolvable(ERR_REASON_AFFINITY);
    }
    for (const t of me.requiredAntiAffinity) if (countAt(s.anti, t.topologyKey, node) > 0) return unschedulable(ERR_REASON_ANTI_AFFINITY);
    for (const key of s.existingAnti.keys()) if (countAt(s.existingAnti, key, node) > 0) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
    return undefined;
  }

  preScore(state: CycleState): boolean {
    const me = state.pod;
    const hasPreferred = me.preferredAffinity.length + me.preferredAntiAffinity.length > 0;
    if (!hasPreferred && !state.cache.hasAffinityPods()) return false;
    const scores: TopologyCounts = new Map();
    const add = (terms: AffinityTerm[], target: PodInfo, labels: Record<string, string>, sign: number, weight?: number) => {
      for (const t of terms) if (affinityTermMatches(t, target.pod, state.nsLabels)) bump(scores, t.topologyKey, labels[t.topologyKey], sign * (weight ?? t.weight));
    };
    for (const node of state.cache.nodeList()) {
      const labels = node.node.metadata.labels ?? {};
      const pods = hasPreferred ? node.pods : node.podsWithAffinity;
      for (const other of pods.values()) {
        if (other.key === me.key) continue;
        add(me.preferredAffinity, other, labels, 1);
        add(me.preferredAntiAffinity, other, labels, -1);
        add(other.requiredAffinity, me, labels, 1, HARD_POD_AFFINITY_WEIGHT);
        add(other.preferredAffinity, me, labels, 1);
        add(other.preferredAntiAffinity, me, labels, -1);
      }
    }
    if (scores.size === 0) return false;
    state.write(`${this.name}/score`, scores);
    return true;
  }

  score(state: CycleState, node: NodeInfo): number {
    const scores = state.read<TopologyCounts>(`${this.name}/score`)!;
    let total = 0;
    for (const key of scores.keys()) total += countAt(scores, key, node);
    return total;
  }

  normalize(_state: CycleState, scores: number[]): void {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i]! - min)) / diff) : 0;
  }
}
