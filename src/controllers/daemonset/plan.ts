// What one DaemonSet sync should do, computed from the cache alone: which nodes need a pod,
// which pods must go (extra, misplaced, failed, or replaced by the rolling update), and the
// status those pods add up to. Pure, so the rules are tested without a cluster.
import type { DaemonSet, DaemonSetStatus } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { scaledValueFromIntOrPercent } from '../../api/intstr/index.js';
import { isPodAvailable, isPodReady } from '../common/pod-state.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/revision.js';
import { eligibility } from './eligibility.js';
import { targetNode, templatePod } from './daemon-pod.js';

export interface DaemonPlan {
  createOn: string[];
  remove: Pod[];
  status: DaemonSetStatus;
}

const byAge = (a: Pod, b: Pod): number => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || String(a.metadata.name).localeCompare(String(b.metadata.name));

export const isUpdated = (pod: Pod, hash: string): boolean => pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;

export function podsByNode(pods: Pod[]): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = targetNode(p);
    if (n === undefined) continue;
    let list = m.get(n);
    if (!list) m.set(n, (list = []));
    list.push(p);
  }
  for (const list of m.values()) list.sort(byAge);
  return m;
}

export function planDaemonSet(ds: DaemonSet, nodes: Node[], pods: Pod[], hash: string, nowMs: number): DaemonPlan {
  const probe = templatePod(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, nowMs);
  const grouped = podsByNode(pods.filter((p) => !p.metadata.deletionTimestamp));
  const terminating = podsByNode(pods.filter((p) => p.metadata.deletionTimestamp));
  const createOn: string[] = [];
  const remove: Pod[] = [];
  const status = { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };
  /** Eligible nodes with their live pods after the basic placement rules. */
  const eligible = new Map<string, Pod[]>();
  const nodeNames = new Set(nodes.map((n) => n.metadata.name!));

  for (const node of nodes) {
    const name = node.metadata.name!;
    const onNode = grouped.get(name) ?? [];
    const e = eligibility(probe, node);
    if (e.shouldRun) status.desired++;
    if (onNode.length) {
      if (e.shouldRun) status.current++;
      else status.misscheduled++;
    }
    if (!e.shouldContinueRunning) {
      remove.push(...onNode);
      continue;
    }
    if (!e.shouldRun && !onNode.length) continue;
    // A failed daemon pod is replaced rather than left to count against the node.
    const failed = onNode.filter((p) => p.status?.phase === 'Failed');
    remove.push(...failed);
    const live = onNode.filter((p) => p.status?.phase !== 'Failed');
    if (!e.shouldRun) {
      eligible.set(name, live);
      continue;
    }
    if (!live.length) {
      // Wait for a pod still terminating on the node before starting its replacement.
      if (!(terminating.get(name) ?? []).length) createOn.push(name);
      eligible.set(name, []);
      continue;
    }
    // Keep the oldest pod (the newest updated one if there is any, so a rollout isn't undone).
    const keepUpdated = live.filter((p) => isUpdated(p, hash));
    const keep = keepUpdated.length && live.length > 1 ? [keepUpdated[0]!] : [live[0]!];
    const oldAndNew = ds.spec?.updateStrategy?.type !== 'OnDelete' && keepUpdated.length && live.some((p) => !isUpdated(p, hash)) ? live : keep;
    for (const p of live) if (!oldAndNew.includes(p)) remove.push(p);
    eligible.set(name, oldAndNew);
  }
  // Pods pinned to nodes that no longer exist have nowhere to run. Only the unscheduled ones are
  // ours to delete (upstream's getUnscheduledPodsWithoutNode): those bound to a deleted node are
  // the pod GC's, which marks them Failed (DeletionByPodGC) and force-deletes them.
  for (const [n, list] of grouped) if (!nodeNames.has(n)) remove.push(...list.filter((p) => !p.spec?.nodeName));

  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') rollingUpdate(ds, eligible, hash, available, status.desired, createOn, remove);

  for (const [, list] of eligible) {
    for (const p of list) {
      if (remove.includes(p)) continue;
      if (isPodReady(p)) status.ready++;
      if (available(p)) status.available++;
      if (isUpdated(p, hash)) status.updated++;
    }
  }
  return {
    createOn,
    remove: [...new Set(remove)],
    status: {
      desiredNumberScheduled: status.desired,
      currentNumberScheduled: status.current,
      numberMisscheduled: status.misscheduled,
      numberReady: status.ready,
      numberAvailable: status.available,
      updatedNumberScheduled: status.updated,
      numberUnavailable: Math.max(0, status.desired - status.available),
    },
  };
}

/**
 * Upstream's rollingUpdate: with maxSurge 0, old pods are deleted while fewer than
 * maxUnavailable nodes are without an available pod (unavailable old pods go first, for free);
 * with maxSurge > 0, a new pod is started beside the old one and the old one deleted once the
 * new one is available.
 */
function rollingUpdate(ds: DaemonSet, nodes: Map<string, Pod[]>, hash: string, available: (p: Pod) => boolean, desired: number, createOn: string[], remove: Pod[]): void {
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = scaledValueFromIntOrPercent(ru?.maxSurge ?? 0, desired, true);
  let maxUnavailable = scaledValueFromIntOrPercent(ru?.maxUnavailable ?? 1, desired, true);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  let unavailable = 0;
  const oldOnly: { node: string; old: Pod }[] = [];
  for (const [node, pods] of nodes) {
    const live = pods.filter((p) => !remove.includes(p));
    const fresh = live.find((p) => isUpdated(p, hash));
    const old = live.find((p) => !isUpdated(p, hash));
    if (!live.length) {
      if (createOn.includes(node)) unavailable++;
      continue;
    }
    if (fresh && old) {
      if (available(fresh)) remove.push(old);
      else unavailable++;
      continue;
    }
    if (fresh) {
      if (!available(fresh)) unavailable++;
      continue;
    }
    if (old) oldOnly.push({ node, old });
  }
  if (maxSurge === 0) {
    for (const { old } of oldOnly.filter((o) => !available(o.old))) remove.push(old);
    unavailable += oldOnly.filter((o) => !available(o.old)).length;
    for (const { old } of oldOnly.filter((o) => available(o.old))) {
      if (unavailable >= maxUnavailable) break;
      remove.push(old);
      unavailable++;
    }
    return;
  }
  let surged = [...nodes.values()].filter((pods) => pods.some((p) => isUpdated(p, hash)) && pods.some((p) => !isUpdated(p, hash) && !remove.includes(p))).length;
  for (const { node, old } of oldOnly) {
    if (!available(old)) {
      createOn.push(node);
      continue;
    }
    if (surged >= maxSurge) continue;
    createOn.push(node);
    surged++;
  }
}
