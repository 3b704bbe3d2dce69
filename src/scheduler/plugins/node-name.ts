// NodeName: a pod that names its node fits only there.
import { unresolvable, type CycleState, type FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export class NodeNamePlugin implements FilterPlugin {
  readonly name = 'NodeName';
  filter(state: CycleState, node: NodeInfo) {
    const want = state.pod.pod.spec?.nodeName;
    return want && want !== node.name ? unresolvable(ERR_REASON_NODE_NAME) : undefined;
  }
}
