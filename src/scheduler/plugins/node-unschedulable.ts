// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import type { Taint } from '../../api/core/v1/types.js';
import { unresolvable, type CycleState, type FilterPlugin } from '../framework.js';
import { tolerated } from '../match.js';
import type { NodeInfo } from '../node-info.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class NodeUnschedulablePlugin implements FilterPlugin {
  readonly name = 'NodeUnschedulable';
  filter(state: CycleState, node: NodeInfo) {
    if (!node.node.spec?.unschedulable) return undefined;
    return tolerated(state.pod.pod.spec?.tolerations, UNSCHEDULABLE_TAINT) ? undefined : unresolvable(ERR_REASON_UNSCHEDULABLE);
  }
}
