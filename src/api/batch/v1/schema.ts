// OpenAPI-shaped definitions of batch/v1: Job, CronJob and the pieces they share (Kubernetes 1.32).
import '../../schema/meta.js';
import { arr, bool, define, int32, int64, obj, ref, str, time, type Schema } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, listMeta, objectMeta } from '../../schema/meta.js';

const BATCH = 'io.k8s.api.batch.v1';

function defineKind(kind: string, description: string, fields: Record<string, Schema>): void {
  define(`${BATCH}.${kind}`, obj({ apiVersion: apiVersionField(), kind: kindField(), metadata: objectMeta(), ...fields }, { description }));
  define(
    `${BATCH}.${kind}List`,
    obj(
      { apiVersion: apiVersionField(), kind: kindField(), metadata: listMeta(), items: arr(ref(`${BATCH}.${kind}`), { description: `The ${kind} objects in the list.` }) },
      { required: ['items'], description: `A list of ${kind} objects.` },
    ),
  );
}

// ---- pod failure and success policies -----------------------------------------------------

define(
  `${BATCH}.PodFailurePolicyOnExitCodesRequirement`,
  obj(
    {
      containerName: str('Only exit codes of the container with this name count; all containers when unset.'),
      operator: str('In or NotIn: how the exit codes relate to the listed values.'),
      values: arr(int32(), { listType: 'set', description: 'Exit codes to compare with, sorted and without duplicates.' }),
    },
    { required: ['operator', 'values'], description: 'Matches failed pods by the exit codes of their containers.' },
  ),
);
define(
  `${BATCH}.PodFailurePolicyOnPodConditionsPattern`,
  obj(
    {
      type: str('The pod condition type to look for.'),
      status: str('The condition status required to match; defaults to True.'),
    },
    { required: ['type'], description: 'Matches failed pods by one of their conditions.' },
  ),
);
define(
  `${BATCH}.PodFailurePolicyRule`,
  obj(
    {
      action: str('What happens when the rule matches: FailJob, FailIndex, Ignore or Count.'),
      onExitCodes: ref(`${BATCH}.PodFailurePolicyOnExitCodesRequirement`, 'The exit codes this rule matches.'),
      onPodConditions: arr(ref(`${BATCH}.PodFailurePolicyOnPodConditionsPattern`), { listType: 'atomic', description: 'The pod conditions this rule matches; any one suffices.' }),
    },
    { required: ['action'], description: 'One rule of a pod failure policy; exactly one of onExitCodes and onPodConditions is set.' },
  ),
);
define(
  `${BATCH}.PodFailurePolicy`,
  obj(
    { rules: arr(ref(`${BATCH}.PodFailurePolicyRule`), { listType: 'atomic', description: 'Rules evaluated in order; the first that matches decides.' }) },
    { required: ['rules'], description: 'How failed pods affect the backoff limit and the Job.' },
  ),
);
define(
  `${BATCH}.SuccessPolicyRule`,
  obj(
    {
      succeededIndexes: str('Indexes (e.g. "1,3-5") that must all succeed for the rule to hold.'),
      succeededCount: int32('How many of the listed (or of all) indexes must succeed.'),
    },
    { description: 'One way for an Indexed Job to be declared succeeded.' },
  ),
);
define(
  `${BATCH}.SuccessPolicy`,
  obj(
    { rules: arr(ref(`${BATCH}.SuccessPolicyRule`), { listType: 'atomic', description: 'Rules evaluated in order; the Job succeeds when any holds.' }) },
    { required: ['rules'], description: 'When an Indexed Job may be declared succeeded early.' },
  ),
);

// ---- Job ----------------------------------------------------------------------------------

define(
  `${BATCH}.JobSpec`,
  obj(
    {
      parallelism: int32('Most pods the Job runs at once.'),
      completions: int32('Successful pods needed for the Job to finish; unset means any one success finishes it.'),
      activeDeadlineSeconds: int64('Seconds the Job may stay active before the system terminates it.'),
      podFailurePolicy: ref(`${BATCH}.PodFailurePolicy`, 'How failed pods are counted and acted upon.'),
      successPolicy: ref(`${BATCH}.SuccessPolicy`, 'When an Indexed Job may be declared succeeded.'),
      backoffLimit: int32('Retries before the Job is marked failed; defaults to 6.'),
      backoffLimitPerIndex: int32('Retries per index of an Indexed Job before that index fails.'),
      maxFailedIndexes: int32('How many indexes may fail before the whole Job fails.'),
      selector: labelSelector('Label query over the pods of this Job; generated unless manualSelector is true.'),
      manualSelector: bool('When true the selector and pod labels are the user\'s and are not generated.'),
      template: ref('io.k8s.api.core.v1.PodTemplateSpec', 'The pod the Job runs; restartPolicy must be OnFailure or Never.'),
      ttlSecondsAfterFinished: int32('Seconds after the Job finishes before it is deleted automatically.'),
      completionMode: str('NonIndexed (the default) or Indexed, which gives each pod a completion index.'),
      suspend: bool('When true no pods are created and running ones are terminated.'),
      podReplacementPolicy: str('When a replacement pod is created: TerminatingOrFailed or Failed.'),
      managedBy: str('The controller that syncs this Job; unset or kubernetes.io/job-controller means the built-in one.'),
    },
    { required: ['template'], description: 'The desired behaviour of a Job.' },
  ),
);
define(
  `${BATCH}.JobCondition`,
  obj(
    {
      type: str('Kind of job condition: Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet.'),
      status: str('Whether the condition holds: True, False or Unknown.'),
      lastProbeTime: time('When the condition was last checked.'),
      lastTransitionTime: time('When the condition last changed from one status to another.'),
      reason: str('A one-word CamelCase explanation of the last transition.'),
      message: str('A human-readable account of the last transition.'),
    },
    { required: ['type', 'status'], description: 'One observation about the state of a Job.' },
  ),
);
define(
  `${BATCH}.UncountedTerminatedPods`,
  obj(
    {
      succeeded: arr(str(), { listType: 'set', description: 'UIDs of succeeded pods not yet counted in status.' }),
      failed: arr(str(), { listType: 'set', description: 'UIDs of failed pods not yet counted in status.' }),
    },
    { description: 'Finished pods whose finalizers the controller has yet to remove.' },
  ),
);
define(
  `${BATCH}.JobStatus`,
  obj(
    {
      conditions: arr(ref(`${BATCH}.JobCondition`), { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic', description: 'The latest observations of the Job\'s state.' }),
      startTime: time('When the controller started working on the Job.'),
      completionTime: time('When the Job completed.'),
      active: int32('Pods pending or running.'),
      succeeded: int32('Pods that reached phase Succeeded.'),
      failed: int32('Pods that reached phase Failed.'),
      terminating: int32('Pods that are terminating.'),
      completedIndexes: str('Completed indexes of an Indexed Job, in text form such as "1,3-5".'),
      failedIndexes: str('Failed indexes of an Indexed Job with backoffLimitPerIndex, in text form.'),
      uncountedTerminatedPods: ref(`${BATCH}.UncountedTerminatedPods`, 'Finished pods not yet counted.'),
      ready: int32('Active pods with a Ready condition.'),
    },
    { description: 'The observed state of a Job.' },
  ),
);
defineKind('Job', 'Runs pods until a given number of them finish successfully.', {
  spec: ref(`${BATCH}.JobSpec`, 'The desired behaviour of the Job.'),
  status: ref(`${BATCH}.JobStatus`, 'The most recently observed status of the Job.'),
});

// ---- CronJob ------------------------------------------------------------------------------

define(
  `${BATCH}.JobTemplateSpec`,
  obj(
    {
      metadata: objectMeta('Metadata copied onto the Jobs created from this template.'),
      spec: ref(`${BATCH}.JobSpec`, 'The Job each run creates.'),
    },
    { description: 'The template of the Jobs a CronJob creates.' },
  ),
);
define(
  `${BATCH}.CronJobSpec`,
  obj(
    {
      schedule: str('The schedule in cron format, e.g. "*/5 * * * *" or "@hourly".'),
      timeZone: str('The IANA time zone the schedule is read in; the controller\'s local zone when unset.'),
      startingDeadlineSeconds: int64('Seconds after a missed scheduled time during which the Job may still start.'),
      concurrencyPolicy: str('What to do when a run is due while the last is still running: Allow (the default), Forbid or Replace.'),
      suspend: bool('When true later runs are not started; defaults to false.'),
      jobTemplate: ref(`${BATCH}.JobTemplateSpec`, 'The Job each run creates.'),
      successfulJobsHistoryLimit: int32('Finished successful Jobs to keep; defaults to 3.'),
      failedJobsHistoryLimit: int32('Failed Jobs to keep; defaults to 1.'),
    },
    { required: ['schedule', 'jobTemplate'], description: 'The desired behaviour of a CronJob.' },
  ),
);
define(
  `${BATCH}.CronJobStatus`,
  obj(
    {
      active: arr(ref('io.k8s.api.core.v1.ObjectReference'), { listType: 'atomic', description: 'The Jobs currently running.' }),
      lastScheduleTime: time('When a Job was last scheduled.'),
      lastSuccessfulTime: time('When a Job last completed successfully.'),
    },
    { description: 'The observed state of a CronJob.' },
  ),
);
defineKind('CronJob', 'Creates Jobs on a repeating schedule.', {
  spec: ref(`${BATCH}.CronJobSpec`, 'The desired behaviour of the CronJob, including its schedule.'),
  status: ref(`${BATCH}.CronJobStatus`, 'The most recently observed status of the CronJob.'),
});
