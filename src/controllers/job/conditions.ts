// Job conditions as upstream sets them: one per type, the transition time kept when only the
// probe is refreshed, the reasons and messages 1.32 writes.
import type { JobCondition, JobStatus } from '../../api/batch/v1/types.js';

export const REASON_BACKOFF_LIMIT = 'BackoffLimitExceeded';
export const MESSAGE_BACKOFF_LIMIT = 'Job has reached the specified backoff limit';
export const REASON_DEADLINE = 'DeadlineExceeded';
export const MESSAGE_DEADLINE = 'Job was active longer than specified deadline';
export const REASON_COMPLETIONS = 'CompletionsReached';
export const MESSAGE_COMPLETIONS = 'Reached expected number of succeeded pods';

export const findCondition = (status: JobStatus | undefined, type: string): JobCondition | undefined => status?.conditions?.find((c) => c.type === type);

export const isTrue = (status: JobStatus | undefined, type: string): boolean => findCondition(status, type)?.status === 'True';

export function finishedCondition(status: JobStatus | undefined): 'Complete' | 'Failed' | undefined {
  if (isTrue(status, 'Complete')) return 'Complete';
  if (isTrue(status, 'Failed')) return 'Failed';
  return undefined;
}

/** Sets a condition, returning true when something changed. */
export function setCondition(status: JobStatus, type: string, value: 'True' | 'False', reason: string, message: string, now: string): boolean {
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === type);
  if (existing) {
    if (existing.status === value && existing.reason === reason && existing.message === message) return false;
    if (existing.status !== value) existing.lastTransitionTime = now;
    existing.status = value;
    existing.reason = reason;
    existing.message = message;
    existing.lastProbeTime = now;
    return true;
  }
  conditions.push({ type, status: value, lastProbeTime: now, lastTransitionTime: now, reason, message });
  return true;
}
