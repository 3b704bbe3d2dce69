// Counting finished pods exactly once (upstream's job-tracking with finalizers): a finished pod
// still holding the job-tracking finalizer is first recorded in status.uncountedTerminatedPods,
// then its finalizer is removed, then it moves into the succeeded/failed counts. A crash at any
// step leaves enough in the status to finish the job without counting a pod twice.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { JobStatus } from '../../api/batch/v1/types.js';
import { JOB_TRACKING_FINALIZER } from './job-pod.js';

export const hasTrackingFinalizer = (p: Pod): boolean => !!p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER);

/** How a pod ended, or undefined while it runs. A pod deleted before it succeeded has failed. */
export function podOutcome(p: Pod, countTerminatingAsFailed: boolean): 'succeeded' | 'failed' | undefined {
  if (p.status?.phase === 'Succeeded') return 'succeeded';
  if (p.status?.phase === 'Failed') return 'failed';
  if (p.metadata.deletionTimestamp && countTerminatingAsFailed) return 'failed';
  return undefined;
}

export interface Uncounted {
  succeeded: Set<string>;
  failed: Set<string>;
}

export function readUncounted(status: JobStatus | undefined): Uncounted {
  return { succeeded: new Set(status?.uncountedTerminatedPods?.succeeded ?? []), failed: new Set(status?.uncountedTerminatedPods?.failed ?? []) };
}

export function writeUncounted(u: Uncounted): { succeeded?: string[]; failed?: string[] } {
  const out: { succeeded?: string[]; failed?: string[] } = {};
  if (u.succeeded.size) out.succeeded = [...u.succeeded].sort();
  if (u.failed.size) out.failed = [...u.failed].sort();
  return out;
}

/** Finished pods with the finalizer that the status does not list yet; returns whether any were added. */
export function recordFinished(pods: Pod[], u: Uncounted, countTerminatingAsFailed: boolean): boolean {
  let added = false;
  for (const p of pods) {
    if (!hasTrackingFinalizer(p)) continue;
    const uid = p.metadata.uid!;
    if (u.succeeded.has(uid) || u.failed.has(uid)) continue;
    const outcome = podOutcome(p, countTerminatingAsFailed);
    if (!outcome) continue;
    u[outcome].add(uid);
    added = true;
  }
  return added;
}
