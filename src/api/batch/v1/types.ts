// batch/v1 object shapes (Job, CronJob) as they travel over the wire.
import type { KubeObject, LabelSelector, ObjectMeta } from '../../meta/types.js';
import type { ObjectReference, PodTemplateSpec } from '../../core/v1/pod/types.js';

export interface PodFailurePolicyOnExitCodesRequirement {
  containerName?: string;
  operator?: 'In' | 'NotIn' | string;
  values?: number[];
}
export interface PodFailurePolicyOnPodConditionsPattern {
  type?: string;
  status?: string;
}
export interface PodFailurePolicyRule {
  action?: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count' | string;
  onExitCodes?: PodFailurePolicyOnExitCodesRequirement;
  onPodConditions?: PodFailurePolicyOnPodConditionsPattern[];
}
export interface PodFailurePolicy {
  rules?: PodFailurePolicyRule[];
}
export interface SuccessPolicyRule {
  succeededIndexes?: string;
  succeededCount?: number;
}
export interface SuccessPolicy {
  rules?: SuccessPolicyRule[];
}

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  podFailurePolicy?: PodFailurePolicy;
  successPolicy?: SuccessPolicy;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  selector?: LabelSelector;
  manualSelector?: boolean;
  template?: PodTemplateSpec;
  ttlSecondsAfterFinished?: number;
  completionMode?: 'NonIndexed' | 'Indexed' | string;
  suspend?: boolean;
  podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed' | string;
  managedBy?: string;
}
export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}
export interface UncountedTerminatedPods {
  succeeded?: string[];
  failed?: string[];
}
export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: UncountedTerminatedPods;
  ready?: number;
}
export interface Job extends KubeObject {
  spec?: JobSpec;
  status?: JobStatus;
}

export interface JobTemplateSpec {
  metadata?: ObjectMeta;
  spec?: JobSpec;
}
export interface CronJobSpec {
  schedule?: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace' | string;
  suspend?: boolean;
  jobTemplate?: JobTemplateSpec;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}
export interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}
export interface CronJob extends KubeObject {
  spec?: CronJobSpec;
  status?: CronJobStatus;
}

/** Labels the API server puts on a Job's pod template when it generates the selector. */
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const legacyControllerUidLabel = 'controller-uid';
export const legacyJobNameLabel = 'job-name';
