// The TTL-after-finished controller: a Job with ttlSecondsAfterFinished is deleted (with its
// pods, foreground) that many seconds after it completed or failed.
import type { Job } from '../../api/batch/v1/types.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import { finishedCondition, findCondition } from './conditions.js';

export interface TtlControllerOptions {
  workers?: number;
  log?: (line: string) => void;
  clock?: () => number;
}

/** When the job finished (the terminal condition's transition), or undefined while it runs. */
export function finishTime(job: Job): number | undefined {
  const type = finishedCondition(job.status);
  if (!type) return undefined;
  const t = Date.parse(findCondition(job.status, type)?.lastTransitionTime ?? job.status?.completionTime ?? '');
  return Number.isFinite(t) ? t : undefined;
}

export class TtlAfterFinishedController {
  private readonly jobs: Informer<Job>;
  private readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly now: () => number;

  constructor(
    private readonly client: RestClient,
    factory: SharedInformerFactory,
    private readonly opts: TtlControllerOptions = {},
  ) {
    this.now = opts.clock ?? Date.now;
    this.jobs = factory.informerFor<Job>(R.jobs);
    const enqueue = (j: Job) => {
      if (j.spec?.ttlSecondsAfterFinished !== undefined && !j.metadata.deletionTimestamp && finishedCondition(j.status)) this.queue.add(keyOf(j));
    };
    this.jobs.addHandlers({ add: enqueue, update: (_o, j) => enqueue(j) });
  }

  async run(): Promise<void> {
    await this.jobs.waitForSync();
    await runWorkers(this.queue, this.opts.workers ?? 2, (k) => this.sync(k), (k, err) => this.opts.log?.(`ttl-after-finished ${k}: ${String(err)}`));
  }

  stop(): void {
    this.queue.shutdown();
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
      if (err instanceof ApiStatusError && err.code === 404) return;
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
      if (!(err instanceof ApiStatusError && (err.code === 404 || err.code === 409))) throw err;
    }
  }
}
