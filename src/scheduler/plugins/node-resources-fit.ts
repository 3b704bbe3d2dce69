// NodeResourcesFit: the pod's requests must fit in what the node has left (filter), and nodes
// with more left over score higher (the LeastAllocated strategy, cpu and memory weighted 1:1).
import { MAX_NODE_SCORE, unschedulable, type CycleState, type FilterPlugin, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { Resource } from '../resources.js';

export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';

/** Every reason the pod does not fit; empty when it does. */
export function insufficientResources(req: Resource, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.pods.size + 1 > node.allocatable.allowedPodNumber) reasons.push(ERR_REASON_TOO_MANY_PODS);
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar.size === 0) return reasons;
  const alloc = node.allocatable;
  const used = node.requested;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push('Insufficient cpu');
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) reasons.push('Insufficient memory');
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  for (const [name, want] of req.scalar) {
    if (want === 0) continue;
    if (want > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

export class NodeResourcesFitPlugin implements FilterPlugin, ScorePlugin {
  readonly name = 'NodeResourcesFit';
  readonly weight = 1;

  filter(state: CycleState, node: NodeInfo) {
    const reasons = insufficientResources(state.pod.requests, node);
    return reasons.length ? unschedulable(...reasons) : undefined;
  }

  score(state: CycleState, node: NodeInfo): number {
    // Scoring counts containers without requests at the non-zero defaults, so that many
    // request-less pods do not all pile onto one node.
    const req = state.pod.nonZeroRequests;
    const cpu = leastAllocated(node.nonZeroRequested.milliCPU + req.milliCPU, node.allocatable.milliCPU);
    const mem = leastAllocated(node.nonZeroRequested.memory + req.memory, node.allocatable.memory);
    return Math.trunc((cpu + mem) / 2);
  }
}

function leastAllocated(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}
