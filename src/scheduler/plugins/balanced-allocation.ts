// NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory would be used in similar
// proportions after placing the pod (1 minus the standard deviation of the fractions).
import { MAX_NODE_SCORE, type CycleState, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

export class BalancedAllocationPlugin implements ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';
  readonly weight = 1;

  score(state: CycleState, node: NodeInfo): number {
    // Upstream scores balance on the actual requests, not the non-zero defaults.
    const req = state.pod.requests;
    const fractions: number[] = [];
    if (node.allocatable.milliCPU > 0) fractions.push(Math.min(1, (node.requested.milliCPU + req.milliCPU) / node.allocatable.milliCPU));
    if (node.allocatable.memory > 0) fractions.push(Math.min(1, (node.requested.memory + req.memory) / node.allocatable.memory));
    if (fractions.length < 2) return MAX_NODE_SCORE;
    const mean = (fractions[0]! + fractions[1]!) / 2;
    const std = Math.sqrt(((fractions[0]! - mean) ** 2 + (fractions[1]! - mean) ** 2) / 2);
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}
