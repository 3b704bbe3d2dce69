// Upstream's FitError text: "0/N nodes are available: <count> <reason>, ...", reasons counted
// over nodes and sorted as strings, then what preemption (PostFilter) had to say.
import type { Status } from './framework.js';

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export interface Diagnosis {
  numAllNodes: number;
  /** Status of every node the filters rejected, by node name. */
  nodeStatuses: Map<string, Status>;
  /** Status for nodes absent from nodeStatuses (preemption's "not helpful"). */
  absentStatus?: Status;
  /** Plugins that rejected at least one node. */
  unschedulablePlugins: Set<string>;
  postFilterMessage?: string;
}

export function fitErrorMessage(d: Diagnosis): string {
  const histogram = new Map<string, number>();
  for (const st of d.nodeStatuses.values()) for (const r of st.reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  const absent = d.numAllNodes - d.nodeStatuses.size;
  if (absent > 0 && d.absentStatus) for (const r of d.absentStatus.reasons) histogram.set(r, (histogram.get(r) ?? 0) + absent);
  // Go's sort.Strings: plain byte order.
  const parts = [...histogram].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  if (d.postFilterMessage) msg += ` ${d.postFilterMessage}`;
  return msg;
}
