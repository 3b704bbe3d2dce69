// The TTL-after-finished controller: a Job with ttlSecondsAfterFinished is deleted (with its
// pods, foreground) that many seconds after it completed or failed.
import type { Job } from '../../api/batch/v1/types.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { finishedCondition, findCondition } from './conditions.js';

export type TtlControllerOptions = ControllerOptions;

/** When the job finished (the terminal condition's transition), or undefined while it runs. */
export function finishTime(job: Job): number | undefined {
  const type = finishedCondition(job.status);
  if (!type) return undefined;
  const t = Date.parse(findCondition(job.status, type)?.lastTransitionTime ?? job.status?.completionTime ?? '');
  return Number.isFinite(t) ? t : undefined;
}

export class TtlAfterFinishedController extends QueueController {
  private readonly jobs: Informer<Job>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: TtlControllerOptions = {},
  ) {
    super('ttl-after-finished', opts, 2, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.jobs = this.cache(factory.informerFor<Job>(R.jobs));
    const enqueue = (j: Job) => {
      if (j.spec?.ttlSecondsAfterFinished !== undefined && !j.metadata.deletionTimestamp && finishedCondition(j.status)) this.queue.add(keyOf(j));
    };
    this.jobs.addHandlers({ add: enqueue, update: (_o, j) => enqueue(j) });
  }

  async sync(key: string): Promise<void> {
    const job = this.jobs.get(key);
    const ttl = job?.spec?.ttlSecondsAfterFinished;
    if (!job || ttl === undefined || job.metadata.deletionTimestamp) return;
    const finished = finishTime(job);
    if (finished === undefined) return;
    const remaining = finished + ttl * 1000 - this.now();
    if (remaining > 0) {
      this.queue.addAfter(key, remaining + 5);
      return;
    }
    // Re-read before deleting: the TTL may have been changed or extended since the cache saw it.
    let fresh: Job;
    try {
      fresh = await this.client.get<Job>(resourcePath(R.jobs, job.metadata.namespace, job.metadata.name));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const freshTtl = fresh.spec?.ttlSecondsAfterFinished;
    const freshFinish = finishTime(fresh);
    if (freshTtl === undefined || freshFinish === undefined) return;
    if (freshFinish + freshTtl * 1000 > this.now()) {
      this.queue.addAfter(key, freshFinish + freshTtl * 1000 - this.now() + 5);
      return;
    }
    try {
      await this.client.delete(resourcePath(R.jobs, job.metadata.namespace, job.metadata.name), {
        propagationPolicy: 'Foreground',
        preconditions: { uid: fresh.metadata.uid, resourceVersion: fresh.metadata.resourceVersion },
      });
    } catch (err) {
      // Gone, or changed since it was read (its preconditions failed): the cache will tell.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}
