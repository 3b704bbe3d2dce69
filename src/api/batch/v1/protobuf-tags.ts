// Protocol-buffer field numbers of the batch/v1 messages, from upstream's
// k8s.io/api/batch/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.batch.v1';

defineProtoTags(`${P}.PodFailurePolicyOnExitCodesRequirement`, { containerName: 1, operator: 2, values: 3 });
defineProtoTags(`${P}.PodFailurePolicyOnPodConditionsPattern`, { type: 1, status: 2 });
defineProtoTags(`${P}.PodFailurePolicyRule`, { action: 1, onExitCodes: 2, onPodConditions: 3 });
defineProtoTags(`${P}.PodFailurePolicy`, { rules: 1 });
defineProtoTags(`${P}.SuccessPolicyRule`, { succeededIndexes: 1, succeededCount: 2 });
defineProtoTags(`${P}.SuccessPolicy`, { rules: 1 });
defineProtoTags(`${P}.JobSpec`, {
  parallelism: 1, completions: 2, activeDeadlineSeconds: 3, selector: 4, manualSelector: 5, template: 6, backoffLimit: 7, ttlSecondsAfterFinished: 8,
  completionMode: 9, suspend: 10, podFailurePolicy: 11, backoffLimitPerIndex: 12, maxFailedIndexes: 13, podReplacementPolicy: 14, managedBy: 15,
  successPolicy: 16,
});
defineProtoTags(`${P}.JobCondition`, {
  type: 1, status: 2, lastProbeTime: 3, lastTransitionTime: 4, reason: 5, message: 6,
}, {
  omitEmpty: ['reason', 'message'],
});
defineProtoTags(`${P}.UncountedTerminatedPods`, { succeeded: 1, failed: 2 });
defineProtoTags(`${P}.JobStatus`, {
  conditions: 1, startTime: 2, completionTime: 3, active: 4, succeeded: 5, failed: 6, completedIndexes: 7, uncountedTerminatedPods: 8, ready: 9,
  failedIndexes: 10, terminating: 11,
}, {
  omitEmpty: ['active', 'succeeded', 'failed', 'completedIndexes'],
});
defineProtoTags(`${P}.Job`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.JobList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.JobTemplateSpec`, { metadata: 1, spec: 2 });
defineProtoTags(`${P}.CronJobSpec`, {
  schedule: 1, startingDeadlineSeconds: 2, concurrencyPolicy: 3, suspend: 4, jobTemplate: 5, successfulJobsHistoryLimit: 6, failedJobsHistoryLimit: 7,
  timeZone: 8,
}, {
  omitEmpty: ['concurrencyPolicy'],
});
defineProtoTags(`${P}.CronJobStatus`, { active: 1, lastScheduleTime: 4, lastSuccessfulTime: 5 });
defineProtoTags(`${P}.CronJob`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.CronJobList`, { metadata: 1, items: 2 });
