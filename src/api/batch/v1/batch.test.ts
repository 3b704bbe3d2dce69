import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import '../../core/v1/pod/schema.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError, type FieldError } from '../../validation/field.js';
import { parseGoDuration } from '../../../util/duration.js';
import { cronScheduleError, parseCronSchedule } from './cron.js';
import { cronJobKind, jobKind } from './kinds.js';
import type { CronJob, Job } from './types.js';

const messages = (errs: FieldError[]) => errs.map(formatFieldError);
const UID = '0b3c8f5e-1111-4222-8333-944445555666';

function createdJob(job: Job): Job {
  job.metadata.namespace ??= 'default';
  job.metadata.uid ??= UID;
  jobKind.default!(job);
  jobKind.prepareForCreate!(job);
  return job;
}

const piJob = (): Job =>
  parse(`apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl
        command: ["perl"]
        args:
        - -Mbignum=bpi
        - -wle
        - print bpi(2000)
      restartPolicy: Never`);

test('job defaults: both completions and parallelism become 1 only when both are unset', () => {
  const j = piJob();
  jobKind.default!(j);
  assert.equal(j.spec!.completions, 1);
  assert.equal(j.spec!.parallelism, 1);
  assert.equal(j.spec!.backoffLimit, 6);
  assert.equal(j.spec!.completionMode, 'NonIndexed');
  assert.equal(j.spec!.suspend, false);
  assert.equal(j.spec!.podReplacementPolicy, 'TerminatingOrFailed');

  const workQueue = piJob();
  workQueue.spec!.parallelism = 4;
  jobKind.default!(workQueue);
  assert.equal(workQueue.spec!.completions, undefined);
  assert.equal(workQueue.spec!.parallelism, 4);

  const fixed = piJob();
  fixed.spec!.completions = 6;
  jobKind.default!(fixed);
  assert.equal(fixed.spec!.completions, 6);
  assert.equal(fixed.spec!.parallelism, 1);

  const perIndex = piJob();
  perIndex.spec!.completionMode = 'Indexed';
  perIndex.spec!.completions = 3;
  perIndex.spec!.backoffLimitPerIndex = 1;
  perIndex.spec!.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] };
  jobKind.default!(perIndex);
  assert.equal(perIndex.spec!.backoffLimit, 2147483647);
  assert.equal(perIndex.spec!.podReplacementPolicy, 'Failed');
  assert.equal(perIndex.spec!.podFailurePolicy!.rules![0]!.onPodConditions![0]!.status, 'True');
});

test('creating a job generates its selector and pod labels from the uid and name', () => {
  const j = createdJob(piJob());
  assert.deepEqual(j.spec!.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
  assert.deepEqual(j.spec!.template!.metadata!.labels, {
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': UID,
    'batch.kubernetes.io/controller-uid': UID,
  });
  // An unlabelled Job reads back with its template's labels, as upstream defaulting gives it.
  assert.deepEqual(j.metadata.labels, j.spec!.template!.metadata!.labels);
  assert.deepEqual(j.status, {});
  assert.deepEqual(jobKind.validateCreate!(j), []);
  assert.equal(jobKind.fieldSelectors!['status.successful']!(j), '0');
  j.status = { succeeded: 2 };
  assert.equal(jobKind.fieldSelectors!['status.successful']!(j), '2');
});

test('job template restartPolicy must be OnFailure or Never', () => {
  const j = piJob();
  delete j.spec!.template!.spec!.restartPolicy;
  assert.deepEqual(messages(jobKind.validateCreate!(createdJob(j))), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
});

test('a manual selector must still match the template; a user label conflicting with the generated one is caught', () => {
  const manual = piJob();
  manual.spec!.manualSelector = true;
  manual.spec!.selector = { matchLabels: { app: 'pi' } };
  const errs = jobKind.validateCreate!(createdJob(manual));
  assert.deepEqual(messages(errs), ['spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`']);

  const conflicting = piJob();
  conflicting.spec!.template!.metadata = { labels: { 'controller-uid': 'someone-else' } };
  const msgs = messages(jobKind.validateCreate!(createdJob(conflicting)));
  assert.ok(msgs.some((m) => m.startsWith("spec.template.metadata.labels[controller-uid]: Invalid value: ") && m.endsWith(`must be '${UID}'`)), msgs.join('\n'));
});

test('job selector and template are immutable, except scheduling directives of a suspended job', () => {
  const old = createdJob(piJob());
  old.metadata.resourceVersion = '7';
  const next = structuredClone(old);
  next.spec!.template!.spec!.containers[0]!.image = 'perl:5';
  const msgs = messages(jobKind.validateUpdate!(next, old));
  assert.equal(msgs.length, 1);
  assert.match(msgs[0]!, /^spec\.template: Invalid value: .*: field is immutable$/);

  const selectorChange = structuredClone(old);
  selectorChange.spec!.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': UID, extra: 'x' } };
  assert.ok(messages(jobKind.validateUpdate!(selectorChange, old)).some((m) => m.startsWith('spec.selector: Invalid value:') && m.endsWith('field is immutable')));

  const suspended = createdJob(Object.assign(piJob(), {}));
  suspended.spec!.suspend = true;
  suspended.metadata.resourceVersion = '8';
  const moved = structuredClone(suspended);
  moved.spec!.template!.spec!.nodeSelector = { zone: 'a' };
  assert.deepEqual(jobKind.validateUpdate!(moved, suspended), []);
  const notSuspended = structuredClone(old);
  notSuspended.spec!.template!.spec!.nodeSelector = { zone: 'a' };
  assert.equal(jobKind.validateUpdate!(notSuspended, old).length, 1);
});

test('a job whose stored template has an invalid node affinity label value can still be updated', () => {
  const old = createdJob(piJob());
  old.spec!.template!.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['bad value'] }] }] } } };
  old.metadata.resourceVersion = '9';
  const next = structuredClone(old);
  next.metadata.labels = { team: 'a' };
  assert.deepEqual(messages(jobKind.validateUpdate!(next, old)), []);
  const fresh = createdJob(structuredClone(old));
  delete fresh.metadata.resourceVersion;
  assert.ok(messages(jobKind.validateCreate!(fresh)).some((m) => m.startsWith('spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]: Invalid value: "bad value"')));
});

test('completions are fixed for NonIndexed jobs and move with parallelism for Indexed ones', () => {
  const old = createdJob(piJob());
  old.metadata.resourceVersion = '1';
  const next = structuredClone(old);
  next.spec!.completions = 3;
  assert.deepEqual(messages(jobKind.validateUpdate!(next, old)), ['spec.completions: Invalid value: 3: field is immutable']);
  const indexed = piJob();
  indexed.spec!.completionMode = 'Indexed';
  indexed.spec!.completions = 2;
  indexed.spec!.parallelism = 2;
  const oldIndexed = createdJob(indexed);
  oldIndexed.metadata.resourceVersion = '1';
  const grown = structuredClone(oldIndexed);
  grown.spec!.completions = 4;
  assert.deepEqual(messages(jobKind.validateUpdate!(grown, oldIndexed)), ['spec.completions: Invalid value: 4: can only be modified in tandem with spec.parallelism']);
  grown.spec!.parallelism = 4;
  assert.deepEqual(jobKind.validateUpdate!(grown, oldIndexed), []);
});

test('pod failure policy rules are checked', () => {
  const j = piJob();
  j.spec!.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [3, 0, 3] } }, { action: 'Explode', onPodConditions: [{ type: 'DisruptionTarget' }] }] };
  const msgs = messages(jobKind.validateCreate!(createdJob(j)));
  assert.deepEqual(msgs, [
    'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
    'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0,3]: must be ordered',
    'spec.podFailurePolicy.rules[1].action: Unsupported value: "Explode": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
  ]);
});

test('cron schedules parse as robfig/cron does, with its error wording', () => {
  for (const ok of ['*/1 * * * *', '0 0 * * 0', '15 3 1-15/2 jan-jun mon,wed', '@hourly', '@yearly', '@midnight', '@every 1h30m', '? * * * *']) {
    assert.equal(cronScheduleError(ok), undefined, ok);
  }
  assert.equal(cronScheduleError('* * * *'), 'expected exactly 5 fields, found 4: [* * * *]');
  assert.equal(cronScheduleError('60 * * * *'), 'end of range (60) above maximum (59): 60');
  assert.equal(cronScheduleError('* * 0 * *'), 'beginning of range (0) below minimum (1): 0');
  assert.equal(cronScheduleError('* * * * 7'), 'end of range (7) above maximum (6): 7');
  assert.equal(cronScheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(cronScheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(cronScheduleError('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  assert.equal(cronScheduleError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
  assert.equal(cronScheduleError('@every soon'), 'failed to parse duration @every soon: time: invalid duration "soon"');
  const s = parseCronSchedule('*/20 9-17 * * mon-fri');
  assert.equal(s.kind, 'fields');
  if (s.kind === 'fields') {
    assert.deepEqual([...s.minute], [0, 20, 40]);
    assert.deepEqual([...s.dayOfWeek], [1, 2, 3, 4, 5]);
    assert.equal(s.domStar, true);
  }
  assert.equal(parseGoDuration('1h30m'), 5400);
});

const helloCronJob = (): CronJob =>
  parse(`apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: hello
              image: busybox
              args:
                - /bin/sh
                - -c
                - date; echo Hello!
          restartPolicy: OnFailure`);

function createdCronJob(cj: CronJob): CronJob {
  cj.metadata.namespace ??= 'default';
  cronJobKind.default!(cj);
  cronJobKind.prepareForCreate!(cj);
  return cj;
}

test('cronjob defaults and a valid seed cronjob', () => {
  const cj = createdCronJob(helloCronJob());
  assert.equal(cj.spec!.concurrencyPolicy, 'Allow');
  assert.equal(cj.spec!.suspend, false);
  assert.equal(cj.spec!.successfulJobsHistoryLimit, 3);
  assert.equal(cj.spec!.failedJobsHistoryLimit, 1);
  // Job-level defaults are the controller's business when it creates each Job.
  assert.equal(cj.spec!.jobTemplate!.spec!.backoffLimit, undefined);
  assert.equal(cj.spec!.jobTemplate!.spec!.template!.spec!.dnsPolicy, 'ClusterFirst');
  assert.deepEqual(cronJobKind.validateCreate!(cj), []);
});

test('cronjob validation: bad schedule, TZ in schedule, time zone, selector, name length', () => {
  const bad = helloCronJob();
  bad.spec!.schedule = '*/1 * * *';
  assert.deepEqual(messages(cronJobKind.validateCreate!(createdCronJob(bad))), ['spec.schedule: Invalid value: "*/1 * * *": expected exactly 5 fields, found 4: [*/1 * * *]']);

  const tz = helloCronJob();
  tz.spec!.schedule = 'CRON_TZ=UTC 0 * * * *';
  assert.deepEqual(messages(cronJobKind.validateCreate!(createdCronJob(tz))), ['spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);

  const zone = helloCronJob();
  zone.spec!.timeZone = 'Mars/Olympus_Mons';
  assert.deepEqual(messages(cronJobKind.validateCreate!(createdCronJob(zone))), ['spec.timeZone: Invalid value: "Mars/Olympus_Mons": unknown time zone Mars/Olympus_Mons']);
  zone.spec!.timeZone = 'Europe/Berlin';
  assert.deepEqual(cronJobKind.validateCreate!(zone), []);
  zone.spec!.timeZone = 'Local';
  assert.deepEqual(messages(cronJobKind.validateCreate!(zone)), ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);

  const sel = helloCronJob();
  sel.metadata.name = 'a'.repeat(53);
  sel.spec!.jobTemplate!.spec!.selector = { matchLabels: { a: 'b' } };
  sel.spec!.concurrencyPolicy = 'Sometimes';
  assert.deepEqual(messages(cronJobKind.validateCreate!(createdCronJob(sel))), [
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
    `metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`,
  ]);
});

test('seed jobs and cronjobs carry no unknown fields', () => {
  const seeds = [
    piJob(),
    parse(`apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  parallelism: 2
  completions: 6
  activeDeadlineSeconds: 100
  ttlSecondsAfterFinished: 10
  template:
    spec:
      containers:
      - name: pi
        image: perl
        command: ["perl"]
      restartPolicy: Never
  backoffLimit: 4`),
    helloCronJob(),
  ];
  for (const obj of seeds) {
    const kind = obj.kind === 'Job' ? jobKind : cronJobKind;
    assert.deepEqual(findUnknownFields(obj, ref(kind.schema)), []);
    const stored = obj.kind === 'Job' ? createdJob(obj) : createdCronJob(obj);
    assert.deepEqual(kind.validateCreate!(stored as never), []);
    assert.deepEqual(findUnknownFields(stored, ref(kind.schema)), []);
  }
  const typo = piJob() as unknown as { spec: Record<string, unknown> };
  typo.spec['backofLimit'] = 3;
  assert.deepEqual(findUnknownFields(typo, ref(jobKind.schema)), ['spec.backofLimit']);
});
