// Deciding a silent node's conditions: once neither its Lease nor its status has been renewed
// within the grace period, every kubelet-owned condition becomes Unknown, as upstream's
// tryUpdateNodeHealth does. Pure functions of the node and the time.
import type { Node, NodeCondition } from '../../api/core/v1/types.js';
import { rfc3339 } from '../../util/time.js';

/** Conditions the kubelet posts; the controller marks each Unknown when the kubelet goes silent. */
export const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export const STOPPED_POSTING = 'Kubelet stopped posting node status.';
export const NEVER_POSTED = 'Kubelet never posted node status.';


export function condition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** 'True' | 'False' | 'Unknown', with a missing Ready condition counting as Unknown. */
export function readyStatus(node: Node): string {
  return condition(node, 'Ready')?.status ?? 'Unknown';
}

/**
 * The conditions a node should carry once it is considered silent, or undefined when they
 * already say so (nothing to write). Conditions already Unknown keep their transition time.
 */
export function unknownConditions(node: Node, now: number): NodeCondition[] | undefined {
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  const at = rfc3339(now);
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: NEVER_POSTED, lastHeartbeatTime: at, lastTransitionTime: at });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = STOPPED_POSTING;
      c.lastTransitionTime = at;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
