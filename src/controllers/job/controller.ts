// The Job controller: runs pods until enough succeed (completions, or one per index for Indexed
// Jobs), at most `parallelism` at a time, and gives up after backoffLimit failures or
// activeDeadlineSeconds. Pods are counted through the job-tracking finalizer (tracking.ts);
// finishing goes through the interim SuccessCriteriaMet / FailureTarget conditions and becomes
// Complete / Failed once no pod of the Job is left running, as in 1.32.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Job, JobStatus } from '../../api/batch/v1/types.js';
import { selectorFromLabelSelector } from '../../api/labels/index.js';
import type { KubeObject } from '../../api/meta/types.js';
import { errorMessage, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/events.js';
import { OWNER_INDEX, type Informer, type SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { controllerOf, newControllerRef, resolveControllerRef } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { isPodReady, isPodTerminal } from '../common/pod-state.js';
import { StatusWriter } from '../common/status-writer.js';
import * as C from './conditions.js';
import { formatIndexes, parseIndexes, podIndex } from './indexes.js';
import { JOB_TRACKING_FINALIZER, jobPod } from './job-pod.js';
import { hasTrackingFinalizer, readUncounted, recordFinished, writeUncounted } from './tracking.js';
import { rfc3339 } from '../../util/time.js';

export interface JobControllerOptions extends ControllerOptions {
  /** First delay before re-creating pods after a failure (upstream: 10 s), doubling per failure. */
  backoffBaseMs?: number;
  /** The longest such delay (upstream: 6 min). */
  backoffMaxMs?: number;
}

const KIND = 'Job';
const API_VERSION = 'batch/v1';
const MANAGED_BY_CONTROLLER = 'kubernetes.io/job-controller';

export class JobController extends QueueController {
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly expectations = new Expectations();
  private readonly recorder: EventRecorder;
  private readonly statusWriter: StatusWriter<Job>;
  /** Per job: the failure count last seen and when it grew, for the re-creation back-off. */
  private readonly failures = new Map<string, { count: number; at: number }>();

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    private readonly opts: JobControllerOptions = {},
  ) {
    super(KIND, opts, 5, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.recorder = new EventRecorder(client, 'job-controller');
    this.statusWriter = new StatusWriter(client, R.jobs, API_VERSION, KIND);
    this.jobs = this.cache(factory.informerFor<Job>(R.jobs));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.enqueueOnChange(this.jobs);
    this.pods.addHandlers({ add: (p) => this.podEvent(p, 'add'), update: (_o, p) => this.podEvent(p, 'update'), delete: (p) => this.podEvent(p, 'delete') });
  }

  private podEvent(pod: Pod, type: 'add' | 'update' | 'delete'): void {
    const ref = controllerOf(pod);
    if (ref?.kind !== KIND) return;
    const job = resolveControllerRef(this.jobs, pod.metadata.namespace, ref, KIND);
    if (!job) {
      // An orphan still holding our finalizer would never be deleted: let go of it.
      if (type !== 'delete' && hasTrackingFinalizer(pod) && this.jobs.hasSynced()) void this.removeFinalizer(pod).catch(() => undefined);
      return;
    }
    const key = keyOf(job);
    if (type === 'add') this.expectations.creationObserved(key);
    if (type === 'delete' || pod.metadata.deletionTimestamp) this.expectations.deletionObserved(key, keyOf(pod));
    this.queue.add(key);
  }

  private withKind(job: Job): KubeObject {
    return { ...job, apiVersion: API_VERSION, kind: KIND };
  }

  async sync(key: string): Promise<void> {
    const cached = this.jobs.get(key);
    if (!cached) {
      this.expectations.forget(key);
      this.failures.delete(key);
      return;
    }
    // A private copy: status writes update it, and the cache must stay as the watch left it.
    const job = structuredClone(cached);
    if (job.spec?.managedBy && job.spec.managedBy !== MANAGED_BY_CONTROLLER) return;
    const selector = selectorFromLabelSelector(job.spec?.selector);
    const pods = this.pods.byIndex(OWNER_INDEX, job.metadata.uid!).filter((p) => controllerOf(p)?.uid === job.metadata.uid && selector.matches(p.metadata.labels ?? {}));
    if (job.metadata.deletionTimestamp) {
      // A Job being deleted counts nothing more: release its pods so they can go with it.
      await Promise.all(pods.filter(hasTrackingFinalizer).map((p) => this.removeFinalizer(p).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)))));
      return;
    }
    const nowMs = this.now();
    const now = rfc3339(nowMs);
    const status: JobStatus = structuredClone(job.status ?? {});
    const finished = C.finishedCondition(status);
    const finishing = C.isTrue(status, 'FailureTarget') || C.isTrue(status, 'SuccessCriteriaMet');
    const indexed = job.spec?.completionMode === 'Indexed';
    const completions = job.spec?.completions;

    // 1. Record newly finished pods, then release them, then count them.
    const uncounted = readUncounted(status);
    if (recordFinished(pods, uncounted, !finished && !finishing)) {
      status.uncountedTerminatedPods = writeUncounted(uncounted);
      if (!(await this.writeStatus(job, status))) return;
    }
    const byUid = new Map(pods.map((p) => [p.metadata.uid!, p]));
    const released = new Set<string>();
    for (const p of pods) {
      const uid = p.metadata.uid!;
      const tracked = uncounted.succeeded.has(uid) || uncounted.failed.has(uid);
      // Pods of a finished Job, and terminating pods we no longer wait for, are released too.
      const done = tracked || ((finished || finishing) && (isPodTerminal(p) || !!p.metadata.deletionTimestamp));
      if (done && hasTrackingFinalizer(p)) {
        try {
          await this.removeFinalizer(p);
          released.add(uid);
        } catch (err) {
          if (isNotFound(err)) released.add(uid);
          else this.log(`Job ${key}: removing finalizer of ${p.metadata.name}: ${String(err)}`);
        }
      }
    }
    const completed = indexed && completions !== undefined ? parseIndexes(status.completedIndexes, completions) : new Set<number>();
    for (const outcome of ['succeeded', 'failed'] as const) {
      for (const uid of [...uncounted[outcome]]) {
        const pod = byUid.get(uid);
        if (pod && hasTrackingFinalizer(pod) && !released.has(uid)) continue;
        uncounted[outcome].delete(uid);
        if (outcome === 'failed') status.failed = (status.failed ?? 0) + 1;
        else if (!indexed) status.succeeded = (status.succeeded ?? 0) + 1;
        else {
          const i = pod ? podIndex(pod) : undefined;
          if (i !== undefined && completions !== undefined && i < completions) completed.add(i);
        }
      }
    }
    if (indexed) {
      status.completedIndexes = formatIndexes(completed);
      status.succeeded = completed.size;
    }
    status.uncountedTerminatedPods = writeUncounted(uncounted);
    status.succeeded ??= 0;
    status.failed ??= 0;

    const running = pods.filter((p) => !isPodTerminal(p));
    let active = running.filter((p) => !p.metadata.deletionTimestamp);
    const terminating = running.filter((p) => p.metadata.deletionTimestamp);
    const outstanding = uncounted.succeeded.size + uncounted.failed.size;

    // 2. Decide whether the job has reached an end.
    let manageError: unknown;
    if (!finished) {
      let target = C.isTrue(status, 'FailureTarget') ? 'FailureTarget' : C.isTrue(status, 'SuccessCriteriaMet') ? 'SuccessCriteriaMet' : undefined;
      if (!target) {
        const failures = status.failed + uncounted.failed.size;
        const start = status.startTime ? Date.parse(status.startTime) : undefined;
        const deadline = job.spec?.activeDeadlineSeconds;
        if (failures > (job.spec?.backoffLimit ?? 6)) {
          C.setCondition(status, 'FailureTarget', 'True', C.REASON_BACKOFF_LIMIT, C.MESSAGE_BACKOFF_LIMIT, now);
          target = 'FailureTarget';
        } else if (!job.spec?.suspend && deadline !== undefined && start !== undefined && nowMs - start >= deadline * 1000) {
          C.setCondition(status, 'FailureTarget', 'True', C.REASON_DEADLINE, C.MESSAGE_DEADLINE, now);
          target = 'FailureTarget';
        } else if (this.succeeded(job, status, uncounted.succeeded.size, active.length)) {
          C.setCondition(status, 'SuccessCriteriaMet', 'True', C.REASON_COMPLETIONS, C.MESSAGE_COMPLETIONS, now);
          target = 'SuccessCriteriaMet';
        }
      }
      if (target) {
        await this.deletePods(key, job, active);
        active = [];
        if (!terminating.length && !outstanding && !running.length) this.finish(job, status, target, now);
      } else if (job.spec?.suspend) {
        await this.deletePods(key, job, active);
        active = [];
        if (C.setCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) this.recorder.event(this.withKind(job), 'Normal', 'Suspended', 'Job suspended');
      } else {
        if (C.isTrue(status, 'Suspended')) {
          C.setCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
          this.recorder.event(this.withKind(job), 'Normal', 'Resumed', 'Job resumed');
          // The deadline counts from the resumption.
          status.startTime = now;
        }
        status.startTime ??= now;
        const deadline = job.spec?.activeDeadlineSeconds;
        if (deadline !== undefined) this.queue.addAfter(key, Math.max(0, Date.parse(status.startTime) + deadline * 1000 - nowMs) + 5);
        if (this.expectations.satisfied(key)) {
          try {
            active = await this.manage(key, job, status, active, completed, uncounted.succeeded.size, nowMs);
          } catch (err) {
            manageError = err;
          }
        }
      }
    }

    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = pods.filter((p) => p.metadata.deletionTimestamp && !isPodTerminal(p)).length;
    await this.writeStatus(job, status);
    if (manageError !== undefined) throw manageError;
  }

  private succeeded(job: Job, status: JobStatus, uncountedSucceeded: number, active: number): boolean {
    const completions = job.spec?.completions;
    if (job.spec?.completionMode === 'Indexed') return completions !== undefined && (status.succeeded ?? 0) >= completions;
    const succeeded = (status.succeeded ?? 0) + uncountedSucceeded;
    // Without completions (a work queue), the first success ends the job once nothing runs.
    if (completions === undefined || completions === null) return succeeded > 0 && active === 0;
    return succeeded >= completions;
  }

  private finish(job: Job, status: JobStatus, target: string, now: string): void {
    const cond = C.findCondition(status, target)!;
    if (target === 'FailureTarget') {
      C.setCondition(status, 'Failed', 'True', cond.reason ?? '', cond.message ?? '', now);
      this.recorder.event(this.withKind(job), 'Warning', cond.reason ?? 'Failed', cond.message ?? '');
    } else {
      C.setCondition(status, 'Complete', 'True', cond.reason ?? '', cond.message ?? '', now);
      status.completionTime = now;
      this.recorder.event(this.withKind(job), 'Normal', 'Completed', 'Job completed');
    }
  }

  /** Creates or deletes pods toward the wanted number; returns the pods counted active. */
  private async manage(key: string, job: Job, status: JobStatus, active: Pod[], completed: Set<number>, uncountedSucceeded: number, nowMs: number): Promise<Pod[]> {
    const parallelism = job.spec?.parallelism ?? 1;
    const completions = job.spec?.completions;
    const extra: Pod[] = [];
    let toCreate: (number | undefined)[] = [];
    if (job.spec?.completionMode === 'Indexed' && completions !== undefined) {
      const seen = new Set<number>();
      for (const p of [...active].sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)))) {
        const i = podIndex(p);
        if (i === undefined || i >= completions || completed.has(i) || seen.has(i)) extra.push(p);
        else seen.add(i);
      }
      const kept = active.length - extra.length;
      const pending: number[] = [];
      for (let i = 0; i < completions && pending.length < parallelism - kept; i++) if (!completed.has(i) && !seen.has(i)) pending.push(i);
      toCreate = pending;
      if (kept > parallelism) extra.push(...this.newestFirst(active.filter((p) => !extra.includes(p))).slice(0, kept - parallelism));
    } else {
      const succeeded = (status.succeeded ?? 0) + uncountedSucceeded;
      const want = completions === undefined || completions === null ? (succeeded > 0 ? active.length : parallelism) : Math.max(0, Math.min(parallelism, completions - succeeded));
      if (active.length > want) extra.push(...this.newestFirst(active).slice(0, active.length - want));
      else toCreate = new Array<undefined>(want - active.length).fill(undefined);
    }
    if (extra.length) await this.deletePods(key, job, extra);
    if (toCreate.length && this.backingOff(key, status.failed ?? 0, nowMs)) toCreate = [];
    if (toCreate.length) await this.createPods(key, job, toCreate);
    return active.filter((p) => !extra.includes(p));
  }

  private newestFirst(pods: Pod[]): Pod[] {
    // Not-ready pods go first, then the youngest: the cheapest to lose.
    return [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
  }

  /** Upstream's pod failure back-off: after n failures, wait base·2^(n-1) before replacing. */
  private backingOff(key: string, failed: number, nowMs: number): boolean {
    const seen = this.failures.get(key);
    if (!seen || seen.count !== failed) this.failures.set(key, { count: failed, at: seen || failed > 0 ? nowMs : 0 });
    if (failed === 0) return false;
    const at = this.failures.get(key)!.at;
    const base = this.opts.backoffBaseMs ?? 10_000;
    const delay = Math.min(base * 2 ** (failed - 1), this.opts.backoffMaxMs ?? 360_000);
    const wait = at + delay - nowMs;
    if (wait <= 0) return false;
    this.queue.addAfter(key, wait + 5);
    return true;
  }

  private async createPods(key: string, job: Job, indexes: (number | undefined)[]): Promise<void> {
    const ns = job.metadata.namespace!;
    const ref = newControllerRef(job, API_VERSION, KIND);
    this.expectations.expectCreations(key, indexes.length);
    const errors: unknown[] = [];
    await Promise.all(
      indexes.map(async (i) => {
        try {
          const pod = await this.client.create<Pod>(resourcePath(R.pods, ns), jobPod(job, ref, i));
          this.recorder.event(this.withKind(job), 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (err) {
          this.expectations.lowerCreations(key, 1);
          this.recorder.event(this.withKind(job), 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
          errors.push(err);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  private async deletePods(key: string, job: Job, pods: Pod[]): Promise<void> {
    if (!pods.length) return;
    this.expectations.expectDeletions(key, pods.map(keyOf));
    const errors: unknown[] = [];
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.client.delete(resourcePath(R.pods, p.metadata.namespace, p.metadata.name));
          this.recorder.event(this.withKind(job), 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, keyOf(p));
          if (!isNotFound(err)) errors.push(err);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  private async removeFinalizer(p: Pod): Promise<void> {
    const i = p.metadata.finalizers?.indexOf(JOB_TRACKING_FINALIZER) ?? -1;
    if (i < 0) return;
    // The test op makes the removal safe against a concurrent change to the list; the last
    // finalizer takes the list with it, so no empty list is left behind.
    const only = p.metadata.finalizers!.length === 1;
    const patch = only
      ? [
          { op: 'test', path: '/metadata/finalizers', value: [JOB_TRACKING_FINALIZER] },
          { op: 'remove', path: '/metadata/finalizers' },
        ]
      : [
          { op: 'test', path: `/metadata/finalizers/${i}`, value: JOB_TRACKING_FINALIZER },
          { op: 'remove', path: `/metadata/finalizers/${i}` },
        ];
    await this.client.patch(resourcePath(R.pods, p.metadata.namespace, p.metadata.name), patch, 'application/json-patch+json');
  }

  /** Writes the status when it changed (our copy follows); false when the Job is gone. */
  private async writeStatus(job: Job, status: JobStatus): Promise<boolean> {
    const updated = await this.statusWriter.update(job, status);
    if (!updated) return false;
    job.status = updated.status;
    job.metadata.resourceVersion = updated.metadata.resourceVersion;
    return true;
  }
}
