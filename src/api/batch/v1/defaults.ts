// Defaulting for batch/v1 (SetDefaults_Job, SetDefaults_CronJob), applied in place.
import { defaultPodTemplateSpec } from '../../core/v1/pod/defaults.js';
import type { CronJob, Job, JobSpec } from './types.js';

const maxInt32 = 2147483647;

/** The parts of Job defaulting that depend only on the spec. */
export function defaultJobSpec(spec: JobSpec): void {
  // A non-parallel Job may leave both unset; then each is 1.
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? maxInt32 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) if (!pattern.status) pattern.status = 'True';
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
}

/** A Job without labels of its own takes those of its pod template. */
export function copyTemplateLabelsToJob(job: Job): void {
  const labels = job.spec?.template?.metadata?.labels;
  if (labels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...labels };
}

export function defaultJob(job: Job): void {
  const spec = (job.spec ??= {});
  defaultJobSpec(spec);
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
  copyTemplateLabelsToJob(job);
}

export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= {});
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  // Only the pod template inside the job template is defaulted; the Job defaults apply
  // when the controller creates each Job.
  const jobSpec = ((spec.jobTemplate ??= {}).spec ??= {});
  jobSpec.template ??= {};
  defaultPodTemplateSpec(jobSpec.template);
}
