// NodeAffinity: nodeSelector and required node affinity terms (filter); the summed weight of
// the preferred terms a node matches (score).
import { defaultNormalize, unresolvable, type CycleState, type FilterPlugin, type ScorePlugin } from '../framework.js';
import { nodeSelectorTermMatches, podMatchesNodeSelectorAndAffinity } from '../match.js';
import type { NodeInfo } from '../node-info.js';

export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export class NodeAffinityPlugin implements FilterPlugin, ScorePlugin {
  readonly name = 'NodeAffinity';
  readonly weight = 2;

  filter(state: CycleState, node: NodeInfo) {
    return podMatchesNodeSelectorAndAffinity(state.pod.pod, node.node) ? undefined : unresolvable(ERR_REASON_NODE_AFFINITY);
  }

  preScore(state: CycleState): boolean {
    return (state.pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
  }

  score(state: CycleState, node: NodeInfo): number {
    let total = 0;
    for (const p of state.pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (p.weight && nodeSelectorTermMatches(p.preference ?? {}, node.node)) total += p.weight;
    }
    return total;
  }

  normalize(_state: CycleState, scores: number[]): void {
    defaultNormalize(scores, false);
  }
}
