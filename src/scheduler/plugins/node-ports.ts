// NodePorts: a host port (per address and protocol) can be used by one pod per node.
import { unschedulable, type CycleState, type FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

export class NodePortsPlugin implements FilterPlugin {
  readonly name = 'NodePorts';
  filter(state: CycleState, node: NodeInfo) {
    for (const p of state.pod.hostPorts) if (node.portConflicts(p)) return unschedulable(ERR_REASON_NODE_PORTS);
    return undefined;
  }
}
