// A PodDisruptionBudget's status from its pods and their controllers' scale, as upstream's
// disruption controller computes it: expected pods, desired and current healthy, disruptions
// allowed, the disrupted-pods map pruned of confirmed or expired evictions, and the
// DisruptionAllowed condition.
import type { Pod } from '../../api/core/v1/pod/types.js';
import { scaledValueFromIntOrPercent } from '../../api/intstr/index.js';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../api/policy/v1/types.js';
import { isPodReady } from '../common/pod-state.js';
import { rfc3339 } from '../../util/time.js';

/** How long an eviction is expected to take before its pod counts as healthy again. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export interface ExpectedCount {
  expectedCount: number;
  desiredHealthy: number;
}

/** `scaleOf(pods)` gives the summed scale of the pods' controllers (only called when needed). */
export async function expectedPodCount(pdb: PodDisruptionBudget, pods: Pod[], scaleOf: (pods: Pod[]) => Promise<number>): Promise<ExpectedCount> {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const expectedCount = await scaleOf(pods);
    const maxUnavailable = scaledValueFromIntOrPercent(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable) };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable };
    const expectedCount = await scaleOf(pods);
    return { expectedCount, desiredHealthy: scaledValueFromIntOrPercent(spec.minAvailable, expectedCount, true) };
  }
  return { expectedCount: pods.length, desiredHealthy: 0 };
}

export interface DisruptedPods {
  /** Evictions still in flight, by pod name. */
  pods: Record<string, string>;
  /** Pods whose eviction was recorded but which outlived the timeout. */
  expired: Pod[];
  /** When the earliest remaining entry expires (ms since epoch), for a recheck. */
  recheckAt?: number;
}

export function buildDisruptedPods(pods: Pod[], recorded: Record<string, string> | undefined, now: number): DisruptedPods {
  const out: DisruptedPods = { pods: {}, expired: [] };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = recorded?.[pod.metadata.name!];
    if (!at) continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expires < now) out.expired.push(pod);
    else {
      out.pods[pod.metadata.name!] = at;
      out.recheckAt = Math.min(out.recheckAt ?? Infinity, expires);
    }
  }
  return out;
}

export function countHealthy(pods: Pod[], disrupted: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name!];
    if (at && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}


type PdbCondition = NonNullable<PodDisruptionBudgetStatus['conditions']>[number];

/** Set a condition as apimachinery's SetStatusCondition does: the transition time moves only with the status. */
export function setCondition(conditions: PdbCondition[] | undefined, next: Omit<PdbCondition, 'lastTransitionTime'>, now: number): PdbCondition[] {
  const prior = conditions?.find((c) => c.type === next.type);
  const lastTransitionTime = prior && prior.status === next.status && prior.lastTransitionTime ? prior.lastTransitionTime : rfc3339(now);
  return [...(conditions ?? []).filter((c) => c.type !== next.type), { ...next, lastTransitionTime }];
}

export function computeStatus(pdb: PodDisruptionBudget, counts: ExpectedCount, currentHealthy: number, disruptedPods: Record<string, string>, now: number): PodDisruptionBudgetStatus {
  let disruptionsAllowed = currentHealthy - counts.desiredHealthy;
  if (counts.expectedCount <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const observedGeneration = pdb.metadata.generation ?? 0;
  const allowed = disruptionsAllowed > 0;
  return {
    ...pdb.status,
    observedGeneration,
    disruptedPods: Object.keys(disruptedPods).length ? disruptedPods : undefined,
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedCount,
    conditions: setCondition(pdb.status?.conditions, { type: 'DisruptionAllowed', status: allowed ? 'True' : 'False', reason: allowed ? 'SufficientPods' : 'InsufficientPods', message: '', observedGeneration }, now),
  };
}

/** The status after a failed sync: no disruption allowed, and why. */
export function failSafeStatus(pdb: PodDisruptionBudget, err: unknown, now: number): PodDisruptionBudgetStatus {
  const observedGeneration = pdb.status?.observedGeneration;
  return {
    ...pdb.status,
    disruptionsAllowed: 0,
    conditions: setCondition(pdb.status?.conditions, { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: err instanceof Error ? err.message : String(err), observedGeneration }, now),
  };
}
