// Which pods the pod garbage collector removes, as pure functions of the cached state.
import type { Pod } from '../../api/core/v1/pod/types.js';

export const isTerminated = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** The oldest terminated pods beyond `threshold` (0 or less disables this collection). */
export function terminatedOverThreshold(pods: Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isTerminated);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  // Oldest first; the name breaks ties so the choice is stable.
  terminated.sort((a, b) => created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return terminated.slice(0, excess);
}

/** Pods bound to a node the cluster does not know. */
export function boundToMissingNodes(pods: Pod[], nodeExists: (name: string) => boolean): Pod[] {
  return pods.filter((p) => !!p.spec?.nodeName && !nodeExists(p.spec.nodeName));
}

/** Pods being deleted that were never scheduled: no kubelet will ever finish them. */
export function unscheduledTerminating(pods: Pod[]): Pod[] {
  return pods.filter((p) => !!p.metadata.deletionTimestamp && !p.spec?.nodeName);
}
