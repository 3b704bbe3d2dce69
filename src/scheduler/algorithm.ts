// One scheduling attempt's algorithm: PreFilter, Filter over a rotating sample of nodes large
// enough to score well (upstream's adaptive percentageOfNodesToScore), Score, and the choice
// of the best node.
import { Code, CycleState, type FilterPlugin, type PreBindPlugin, type ReservePlugin, type ScorePlugin, type Status } from './framework.js';
import type { Diagnosis } from './fit-error.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/** How many feasible nodes to find before scoring: all below 100, else 50% - n/125 (at least 5%, at least 100). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE) pct = MIN_FEASIBLE_NODES_PERCENTAGE;
  }
  if (pct >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

export interface ScheduleResult {
  node?: string;
  /** Present when no node fits. */
  diagnosis?: Diagnosis;
  evaluatedNodes: number;
  feasibleNodes: number;
}

export interface BindingPlugins {
  reservers?: ReservePlugin[];
  preBinders?: PreBindPlugin[];
}

export class Framework {
  private nextStartNodeIndex = 0;
  readonly reservers: ReservePlugin[];
  readonly preBinders: PreBindPlugin[];

  constructor(
    readonly filters: FilterPlugin[],
    readonly scorers: ScorePlugin[],
    private readonly percentageOfNodesToScore = 0,
    private readonly random: () => number = Math.random,
    binding: BindingPlugins = {},
  ) {
    this.reservers = binding.reservers ?? [];
    this.preBinders = binding.preBinders ?? [];
  }

  /** Every Reserve in order; on the first failure the ones already run are unreserved (in reverse), as upstream. */
  runReserve(state: CycleState, node: string): Status | undefined {
    for (let i = 0; i < this.reservers.length; i++) {
      const p = this.reservers[i]!;
      if (state.skipFilter.has(p.name)) continue;
      const st = p.reserve(state, node);
      if (st && st.code !== Code.Success) {
        for (let j = i; j >= 0; j--) this.reservers[j]!.unreserve(state, node);
        return { ...st, plugin: p.name };
      }
    }
    return undefined;
  }

  runUnreserve(state: CycleState, node: string): void {
    for (let i = this.reservers.length - 1; i >= 0; i--) {
      const p = this.reservers[i]!;
      if (!state.skipFilter.has(p.name)) p.unreserve(state, node);
    }
  }

  /** Every PreBind in order; the first failure decides. */
  async runPreBind(state: CycleState, node: string): Promise<Status | undefined> {
    for (const p of this.preBinders) {
      if (state.skipFilter.has(p.name)) continue;
      const st = await p.preBind(state, node);
      if (st && st.code !== Code.Success) return { ...st, plugin: p.name };
    }
    return undefined;
  }

  /** Run every PreFilter; a plugin returning Skip has its Filter left out. */
  runPreFilters(state: CycleState): Status | undefined {
    for (const p of this.filters) {
      if (!p.preFilter) continue;
      const st = p.preFilter(state);
      if (!st) continue;
      if (st.code === Code.Skip) state.skipFilter.add(p.name);
      else return { ...st, plugin: p.name };
    }
    return undefined;
  }

  /** Filters in order; the first rejection decides, as upstream. */
  runFilters(state: CycleState, node: NodeInfo): Status | undefined {
    for (const p of this.filters) {
      if (state.skipFilter.has(p.name)) continue;
      const st = p.filter(state, node);
      if (st) return { ...st, plugin: p.name };
    }
    return undefined;
  }

  /**
   * Find a node for the pod. `withNominated` gives the node as the filters should see it, with
   * pods nominated there (of at least this pod's priority) counted in.
   */
  schedule(state: CycleState, nodes: NodeInfo[], withNominated: (node: NodeInfo) => NodeInfo, nominatedNode?: string): ScheduleResult {
    const diagnosis: Diagnosis = { numAllNodes: nodes.length, nodeStatuses: new Map(), unschedulablePlugins: new Set() };
    const pre = this.runPreFilters(state);
    if (pre) {
      for (const n of nodes) diagnosis.nodeStatuses.set(n.name, pre);
      diagnosis.unschedulablePlugins.add(pre.plugin!);
      return { diagnosis, evaluatedNodes: 0, feasibleNodes: 0 };
    }
    // A pod that preempted for a node tries that node first.
    if (nominatedNode) {
      const ni = nodes.find((n) => n.name === nominatedNode);
      if (ni && !this.runFilters(state, withNominated(ni))) return { node: ni.name, evaluatedNodes: 1, feasibleNodes: 1 };
    }
    const want = numFeasibleNodesToFind(nodes.length, this.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    let processed = 0;
    const start = nodes.length ? this.nextStartNodeIndex % nodes.length : 0;
    for (let i = 0; i < nodes.length && feasible.length < want; i++) {
      const node = nodes[(start + i) % nodes.length]!;
      processed++;
      const st = this.runFilters(state, withNominated(node));
      if (!st) feasible.push(node);
      else {
        diagnosis.nodeStatuses.set(node.name, st);
        diagnosis.unschedulablePlugins.add(st.plugin!);
      }
    }
    this.nextStartNodeIndex = nodes.length ? (start + processed) % nodes.length : 0;
    if (feasible.length === 0) return { diagnosis, evaluatedNodes: processed, feasibleNodes: 0 };
    if (feasible.length === 1) return { node: feasible[0]!.name, evaluatedNodes: processed, feasibleNodes: 1 };
    const totals = this.prioritize(state, feasible);
    return { node: this.selectHost(feasible, totals), evaluatedNodes: processed, feasibleNodes: feasible.length };
  }

  /** Weighted sum of the normalized plugin scores, per node. */
  prioritize(state: CycleState, nodes: NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    for (const p of this.scorers) {
      if (p.preScore && !p.preScore(state, nodes)) continue;
      const scores = nodes.map((n) => p.score(state, n));
      p.normalize?.(state, scores, nodes);
      for (let i = 0; i < nodes.length; i++) totals[i]! += scores[i]! * p.weight;
    }
    return totals;
  }

  /** The highest total; ties broken uniformly at random (reservoir sampling), as upstream. */
  private selectHost(nodes: NodeInfo[], totals: number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i]! > totals[best]!) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return nodes[best]!.name;
  }
}
