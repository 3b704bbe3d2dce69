// The CronJob controller: at each scheduled time creates a Job named `<cronjob>-<minutes since
// epoch>` from the template, subject to suspend, startingDeadlineSeconds and the concurrency
// policy; tracks the Jobs it started in status.active and prunes finished ones beyond the
// history limits. Time comes from `clock`, so tests can run the schedule on a fake clock.
import { CronError } from '../../api/batch/v1/cron.js';
import type { CronJob, CronJobStatus, Job } from '../../api/batch/v1/types.js';
import type { ObjectReference } from '../../api/core/v1/pod/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { errorMessage, isAlreadyExists, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/events.js';
import { OWNER_INDEX, type Informer, type SharedInformerFactory } from '../../client/informer.js';
import { R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { controllerOf, newControllerRef } from '../common/controller-ref.js';
import { StatusWriter } from '../common/status-writer.js';
import { findCondition, finishedCondition } from '../job/conditions.js';
import { missedRuns, nextFiring, parseCronSchedule, rfc3339InZone } from './schedule.js';
import { rfc3339 } from '../../util/time.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Upstream warns about missed schedules past this many. */
const MISSED_WARNING_THRESHOLD = 100;

export interface CronJobControllerOptions extends ControllerOptions {
  /** Look at every CronJob this often as well as at its next firing (tests with a fake clock). */
  recheckMs?: number;
}

const KIND = 'CronJob';
const API_VERSION = 'batch/v1';

/** The name of the Job for a scheduled time (upstream's getJobName). */
export const jobNameFor = (cj: CronJob, scheduledMs: number): string => `${cj.metadata.name}-${Math.floor(scheduledMs / 60_000)}`;

export class CronJobController extends QueueController {
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  private readonly recorder: EventRecorder;
  private readonly statusWriter: StatusWriter<CronJob>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: CronJobControllerOptions = {},
  ) {
    super(KIND, opts, 2, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.recorder = new EventRecorder(client, 'cronjob-controller');
    this.statusWriter = new StatusWriter(client, R.cronjobs, API_VERSION, KIND);
    this.cronJobs = this.cache(factory.informerFor<CronJob>(R.cronjobs));
    this.jobs = this.cache(factory.informerFor<Job>(R.jobs));
    this.enqueueOnChange(this.cronJobs);
    const jobEvent = (j: Job) => {
      const ref = controllerOf(j);
      if (ref?.kind === KIND) this.queue.add(`${j.metadata.namespace}/${ref.name}`);
    };
    this.jobs.addHandlers({ add: jobEvent, update: (_o, j) => jobEvent(j), delete: jobEvent });
    this.every(opts.recheckMs ?? 0, () => this.enqueueAll(this.cronJobs));
  }

  private withKind(cj: CronJob): KubeObject {
    return { ...cj, apiVersion: API_VERSION, kind: KIND };
  }

  async sync(key: string): Promise<void> {
    const cached = this.cronJobs.get(key);
    if (!cached) return;
    const cj = structuredClone(cached);
    const nowMs = this.now();
    const children = this.jobs.byIndex(OWNER_INDEX, cj.metadata.uid!).filter((j) => controllerOf(j)?.uid === cj.metadata.uid);
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    await this.reconcileActive(cj, status, children);
    if (cj.metadata.deletionTimestamp) return this.writeStatus(cj, status);
    await this.cleanupHistory(cj, children);

    const zone = cj.spec?.timeZone ?? 'UTC';
    let schedule;
    try {
      schedule = parseCronSchedule(cj.spec?.schedule ?? '');
      if (cj.spec?.timeZone) new Intl.DateTimeFormat('en-US', { timeZone: cj.spec.timeZone });
    } catch (err) {
      const unknownZone = !!cj.spec?.timeZone && !(err instanceof CronError);
      if (unknownZone) this.recorder.event(this.withKind(cj), 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(cj.spec?.timeZone)}: ${String(err)}`);
      else this.recorder.event(this.withKind(cj), 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule)} : ${errorMessage(err)}`);
      return this.writeStatus(cj, status);
    }
    if (cj.spec?.suspend) return this.writeStatus(cj, status);

    const deadline = cj.spec?.startingDeadlineSeconds;
    let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || nowMs;
    if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, nowMs - deadline * 1000);
    const missed = missedRuns(schedule, earliest, nowMs, zone);
    const requeue = () => {
      const next = nextFiring(schedule, nowMs, zone);
      if (next !== undefined) this.queue.addAfter(key, next - nowMs + 100);
    };
    if (missed.count > MISSED_WARNING_THRESHOLD) {
      this.recorder.event(this.withKind(cj), 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed.count}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const scheduled = missed.mostRecent;
    if (scheduled === undefined) {
      requeue();
      return this.writeStatus(cj, status);
    }
    if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < nowMs) {
      this.recorder.event(this.withKind(cj), 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString()}`);
      requeue();
      return this.writeStatus(cj, status);
    }
    const name = jobNameFor(cj, scheduled);
    if (status.active?.some((r) => r.name === name) || children.some((j) => j.metadata.name === name)) {
      requeue();
      return this.writeStatus(cj, status);
    }
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (status.active?.length ?? 0) > 0) {
      this.recorder.event(this.withKind(cj), 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      requeue();
      return this.writeStatus(cj, status);
    }
    if (policy === 'Replace') {
      for (const ref of status.active ?? []) {
        try {
          await this.client.delete(resourcePath(R.jobs, cj.metadata.namespace, ref.name), { propagationPolicy: 'Background' });
          this.recorder.event(this.withKind(cj), 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      status.active = [];
    }
    const job = await this.createJob(cj, name, scheduled, zone);
    if (job) {
      status.active = [...(status.active ?? []), this.refTo(job)];
      status.lastScheduleTime = rfc3339(scheduled);
    }
    requeue();
    await this.writeStatus(cj, status);
  }

  private refTo(job: Job): ObjectReference {
    return { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: API_VERSION, resourceVersion: job.metadata.resourceVersion };
  }

  private async createJob(cj: CronJob, name: string, scheduled: number, zone: string): Promise<Job | undefined> {
    const tmpl = cj.spec?.jobTemplate ?? {};
    const body: Job = {
      apiVersion: API_VERSION,
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        labels: { ...(tmpl.metadata?.labels ?? {}) },
        annotations: { ...(tmpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339InZone(scheduled, zone) },
        ownerReferences: [newControllerRef(cj, API_VERSION, KIND)],
      },
      spec: structuredClone(tmpl.spec ?? {}),
    };
    try {
      const job = await this.client.create<Job>(resourcePath(R.jobs, cj.metadata.namespace), body);
      this.recorder.event(this.withKind(cj), 'Normal', 'SuccessfulCreate', `Created job ${name}`);
      return job;
    } catch (err) {
      if (isAlreadyExists(err)) {
        // Created by an earlier sync whose status write was lost: adopt it if it is ours.
        const existing = await this.client.get<Job>(resourcePath(R.jobs, cj.metadata.namespace, name));
        return controllerOf(existing)?.uid === cj.metadata.uid ? existing : undefined;
      }
      this.recorder.event(this.withKind(cj), 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** Drops finished and vanished Jobs from status.active, and records the last success. */
  private async reconcileActive(cj: CronJob, status: CronJobStatus, children: Job[]): Promise<void> {
    const byUid = new Map(children.map((j) => [j.metadata.uid, j]));
    const active: ObjectReference[] = [];
    for (const ref of status.active ?? []) {
      const job = byUid.get(ref.uid);
      if (job) {
        if (!finishedCondition(job.status)) active.push(ref);
        continue;
      }
      // Not in the cache: it may be too new for the cache, so ask before dropping it.
      try {
        const fresh = await this.client.get<Job>(resourcePath(R.jobs, cj.metadata.namespace, ref.name));
        if (fresh.metadata.uid === ref.uid && !finishedCondition(fresh.status)) {
          active.push(ref);
          continue;
        }
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      this.recorder.event(this.withKind(cj), 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
    }
    for (const job of children) {
      const finished = finishedCondition(job.status);
      const wasActive = (status.active ?? []).some((r) => r.uid === job.metadata.uid);
      if (finished && wasActive) this.recorder.event(this.withKind(cj), 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${finished}`);
      if (finished === 'Complete') {
        const done = job.status?.completionTime ?? findCondition(job.status, 'Complete')?.lastTransitionTime;
        if (done && (!status.lastSuccessfulTime || Date.parse(status.lastSuccessfulTime) < Date.parse(done))) status.lastSuccessfulTime = done;
      }
      // A running Job of ours missing from the list (a lost status write) is tracked again.
      if (!finished && !job.metadata.deletionTimestamp && !active.some((r) => r.uid === job.metadata.uid)) active.push(this.refTo(job));
    }
    if (active.length) status.active = active;
    else delete status.active;
  }

  /** Deletes the oldest finished Jobs beyond successful/failedJobsHistoryLimit. */
  private async cleanupHistory(cj: CronJob, children: Job[]): Promise<void> {
    const startOf = (j: Job) => Date.parse(j.status?.startTime ?? j.metadata.creationTimestamp ?? '') || 0;
    const prune = async (type: 'Complete' | 'Failed', limit: number) => {
      const finished = children.filter((j) => finishedCondition(j.status) === type && !j.metadata.deletionTimestamp).sort((a, b) => startOf(a) - startOf(b));
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        try {
          await this.client.delete(resourcePath(R.jobs, j.metadata.namespace, j.metadata.name), { propagationPolicy: 'Background' });
          this.recorder.event(this.withKind(cj), 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    };
    await prune('Complete', cj.spec?.successfulJobsHistoryLimit ?? 3);
    await prune('Failed', cj.spec?.failedJobsHistoryLimit ?? 1);
  }

  private async writeStatus(cj: CronJob, status: CronJobStatus): Promise<void> {
    await this.statusWriter.update(cj, status);
  }
}
