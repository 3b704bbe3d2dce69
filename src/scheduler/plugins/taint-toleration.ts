// TaintToleration: NoSchedule and NoExecute taints must be tolerated (filter); nodes with fewer
// untolerated PreferNoSchedule taints score higher.
import { defaultNormalize, unresolvable, type CycleState, type FilterPlugin, type ScorePlugin } from '../framework.js';
import { tolerated } from '../match.js';
import type { NodeInfo } from '../node-info.js';

export class TaintTolerationPlugin implements FilterPlugin, ScorePlugin {
  readonly name = 'TaintToleration';
  readonly weight = 3;

  filter(state: CycleState, node: NodeInfo) {
    const taints = node.node.spec?.taints;
    if (!taints?.length) return undefined;
    const tolerations = state.pod.pod.spec?.tolerations;
    for (const t of taints) {
      if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
      if (!tolerated(tolerations, t)) return unresolvable(`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`);
    }
    return undefined;
  }

  preScore(_state: CycleState, nodes: NodeInfo[]): boolean {
    return nodes.some((n) => n.node.spec?.taints?.some((t) => t.effect === 'PreferNoSchedule'));
  }

  score(state: CycleState, node: NodeInfo): number {
    // Upstream only looks at the pod's tolerations that apply to PreferNoSchedule.
    const tolerations = (state.pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let count = 0;
    for (const t of node.node.spec?.taints ?? []) if (t.effect === 'PreferNoSchedule' && !tolerated(tolerations, t)) count++;
    return count;
  }

  normalize(_state: CycleState, scores: number[]): void {
    defaultNormalize(scores, true);
  }
}
