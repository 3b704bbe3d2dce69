// Validation of batch/v1 CronJobs with upstream's field paths and messages
// (k8s.io/kubernetes/pkg/apis/batch/validation and the cronjob registry strategy).
import { podSpecUpdateOptions } from '../../core/v1/pod/validation.js';
import type { SchedulingValidationOptions } from '../../core/v1/pod/validate-scheduling.js';
import { type FieldError, FieldPath, invalid, notSupported, required } from '../../validation/field.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { nonNegative } from '../../apps/v1/validation-helpers.js';
import { cronScheduleError, isKnownTimeZone } from './cron.js';
import { validateJobSpecBody } from './job-validation.js';
import type { CronJob, CronJobSpec, JobTemplateSpec } from './types.js';

function validateScheduleFormat(schedule: string, allowTZ: boolean, timeZone: string | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const problem = cronScheduleError(schedule);
  if (problem) errs.push(invalid(p, schedule, problem));
  if (allowTZ && schedule.includes('TZ') && timeZone !== undefined) errs.push(invalid(p, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  else if (!allowTZ && schedule.includes('TZ')) errs.push(invalid(p, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

const validTimeZonePart = /^[A-Za-z.\-_0-9+]{1,14}$/;

export function validateTimeZone(tz: string | undefined, p: FieldPath): FieldError[] {
  if (tz === undefined || tz === null) return [];
  if (tz.length === 0) return [invalid(p, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !validTimeZonePart.test(part)) return [invalid(p, tz, `unknown time zone ${tz}`)];
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(invalid(p, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  else if (!isKnownTimeZone(tz)) errs.push(invalid(p, tz, `unknown time zone ${tz}`));
  return errs;
}

function validateJobTemplateSpec(t: JobTemplateSpec, p: FieldPath, podOpts: SchedulingValidationOptions): FieldError[] {
  const spec = t.spec ?? {};
  const errs = validateJobSpecBody(spec, p.child('spec'), podOpts);
  if (spec.selector) errs.push(invalid(p.child('spec', 'selector'), spec.selector, '`selector` will be auto-generated'));
  if (spec.manualSelector === true) errs.push(notSupported(p.child('spec', 'manualSelector'), spec.manualSelector, ['nil', 'false']));
  return errs;
}

function validateCronJobSpec(spec: CronJobSpec, old: CronJobSpec | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.schedule) errs.push(required(p.child('schedule'), ''));
  else errs.push(...validateScheduleFormat(spec.schedule, old?.schedule?.includes('TZ') ?? false, spec.timeZone, p.child('schedule')));
  errs.push(...nonNegative(spec.startingDeadlineSeconds, p.child('startingDeadlineSeconds')));
  if (!old || old.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, p.child('timeZone')));
  const policy = spec.concurrencyPolicy ?? '';
  if (policy === '') errs.push(required(p.child('concurrencyPolicy'), ''));
  else if (!['Allow', 'Forbid', 'Replace'].includes(policy)) errs.push(notSupported(p.child('concurrencyPolicy'), policy, ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateJobTemplateSpec(spec.jobTemplate ?? {}, p.child('jobTemplate'), podSpecUpdateOptions(old?.jobTemplate?.spec?.template?.spec)));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, p.child('successfulJobsHistoryLimit')));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, p.child('failedJobsHistoryLimit')));
  return errs;
}

export function validateCronJob(cj: CronJob): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateCronJobSpec(cj.spec ?? {}, undefined, FieldPath.root('spec')));
  // Jobs are named <cronjob>-<11-character timestamp> and must stay within 63 characters.
  const name = cj.metadata.name ?? '';
  if (name.length > 52) errs.push(invalid(FieldPath.root('metadata').child('name'), name, 'must be no more than 52 characters'));
  return errs;
}

export function validateCronJobUpdate(cj: CronJob, old: CronJob): FieldError[] {
  return [...validateObjectMetaUpdate(cj.metadata, old.metadata), ...validateCronJobSpec(cj.spec ?? {}, old.spec ?? {}, FieldPath.root('spec'))];
}

