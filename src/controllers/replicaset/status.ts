// A replica owner's status from the pods it controls (upstream's calculateStatus), and the
// ReplicaFailure condition that reports why it could not create or delete pods.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Condition } from '../../api/meta/types.js';
import { selectorFromSet } from '../../api/labels/index.js';
import type { ReplicaOwner } from './kinds.js';
import { semanticEqual } from '../../api/meta/equality.js';
import { isPodAvailable, isPodReady } from '../common/pod-state.js';
import { rfc3339 } from '../../util/time.js';

export type ReplicaStatus = NonNullable<ReplicaOwner['status']>;

export const REPLICA_FAILURE = 'ReplicaFailure';

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function calculateStatus(owner: ReplicaOwner, pods: Pod[], manageError: unknown, now: number): ReplicaStatus {
  const templateLabels = selectorFromSet(owner.spec?.template?.metadata?.labels);
  const minReady = owner.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (templateLabels.matches(p.metadata.labels ?? {})) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  let conditions: Condition[] = [...(owner.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError !== undefined && !failure) {
    const diff = pods.length - (owner.spec?.replicas ?? 0);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions.push({ type: REPLICA_FAILURE, status: 'True', lastTransitionTime: rfc3339(now), reason, message: errorMessage(manageError) });
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  const status: ReplicaStatus = { replicas: pods.length, observedGeneration: owner.status?.observedGeneration };
  // Zero counters are omitted, as upstream's omitempty does.
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Whether writing `next` would change anything (the generation counts as part of the status). */
export function statusChanged(owner: ReplicaOwner, next: ReplicaStatus): boolean {
  const cur = owner.status ?? {};
  return (
    (cur.replicas ?? 0) !== (next.replicas ?? 0) ||
    (cur.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (cur.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (cur.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    (cur.observedGeneration ?? 0) !== (owner.metadata.generation ?? 0) ||
    !semanticEqual(cur.conditions, next.conditions)
  );
}
