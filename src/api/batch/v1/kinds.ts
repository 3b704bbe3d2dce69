// batch/v1 kind definitions: Job and CronJob with their registry strategy hooks.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { copyTemplateLabelsToJob, defaultCronJob, defaultJob } from './defaults.js';
import { generateJobSelector, usesGeneratedSelector } from './job-selector.js';
import type { CronJob, Job } from './types.js';
import { validateCronJob, validateCronJobUpdate } from './cronjob-validation.js';
import { validateJob, validateJobStatusUpdate, validateJobUpdate } from './job-validation.js';

export const jobKind: KindDefinition<Job> = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  categories: ['all'],
  namespaced: true,
  schema: 'io.k8s.api.batch.v1.Job',
  hasStatus: true,
  default: defaultJob,
  prepareForCreate(job) {
    job.status = {};
    // metadata.uid is already assigned here, which the generated selector needs.
    if (usesGeneratedSelector(job)) generateJobSelector(job);
    // Upstream's defaulting copies template labels to an unlabelled Job whenever it is decoded;
    // doing it once here gives readers the same object.
    copyTemplateLabelsToJob(job);
  },
  validateCreate: (job) => validateJob(job),
  validateUpdate: validateJobUpdate,
  validateStatusUpdate: validateJobStatusUpdate,
  fieldSelectors: {
    'status.successful': (job) => String(job.status?.succeeded ?? 0),
  },
};

export const cronJobKind: KindDefinition<CronJob> = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  shortNames: ['cj'],
  categories: ['all'],
  namespaced: true,
  schema: 'io.k8s.api.batch.v1.CronJob',
  hasStatus: true,
  default: defaultCronJob,
  prepareForCreate(cj) {
    cj.status = {};
  },
  validateCreate: validateCronJob,
  validateUpdate: validateCronJobUpdate,
};

export const batchKinds: KindDefinition[] = [jobKind, cronJobKind] as KindDefinition[];
