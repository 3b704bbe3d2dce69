// What every controller is (DESIGN.md §3): caches fed by shared informers, one or more work
// queues of keys, and workers running a level-based sync for each key once the caches have
// synced, as kube-controller-manager's controllers do in their Run(). Subclasses declare their
// caches, queues and periodic passes in the constructor; run() and stop() are written once here.
import { isConflict } from '../../client/errors.js';
import type { EventHandlers, Informer } from '../../client/informer.js';
import { keyOf } from '../../client/resources.js';
import { runWorkers, WorkQueue, type WorkQueueOptions } from '../../client/workqueue.js';
import type { WorkqueueMetricsProvider } from '../../client/workqueue-metrics.js';
import type { KubeObject } from '../../api/meta/types.js';

export interface ControllerOptions {
  workers?: number;
  log?: (line: string) => void;
  clock?: () => number;
}

interface Loop {
  label: string;
  queue: WorkQueue;
  workers: number;
  sync(key: string): Promise<void>;
}

export abstract class Controller {
  protected readonly now: () => number;
  protected readonly log: (line: string) => void;
  private readonly caches: Informer<KubeObject>[] = [];
  private readonly loops: Loop[] = [];
  private readonly periodic: { ms: number; pass: () => void }[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  protected stopped = false;

  constructor(opts: ControllerOptions) {
    this.now = opts.clock ?? Date.now;
    this.log = opts.log ?? (() => undefined);
  }

  /** A cache this controller reads: run() waits for it to sync before any worker starts. */
  protected cache<T extends KubeObject>(informer: Informer<T>): Informer<T> {
    this.caches.push(informer as unknown as Informer<KubeObject>);
    return informer;
  }

  /**
   * A queue whose keys `workers` workers hand to `sync`. A failed sync is logged (a conflict
   * is not: it only says the cache was behind) and the key retried with the queue's backoff.
   */
  protected addQueue(label: string, workers: number, sync: (key: string) => Promise<void>, opts: WorkQueueOptions): WorkQueue {
    const queue = new WorkQueue(opts);
    this.loops.push({ label, queue, workers, sync });
    return queue;
  }

  /** Report every queue of this controller under its label (workqueue_* {name}). */
  instrument(metrics: WorkqueueMetricsProvider): void {
    for (const l of this.loops) l.queue.setMetrics(metrics.forQueue(l.label.toLowerCase().replace(/\s+/g, '_')));
  }

  /** Call `pass` every `ms` once the caches have synced (what no event announces: silence, deadlines). */
  protected every(ms: number, pass: () => void): void {
    if (ms > 0) this.periodic.push({ ms, pass });
  }

  /** Before waiting for the caches: register caches known only at run time (discovery). */
  protected async prepare(): Promise<void> {}

  /** After the caches have synced, before the first sync. */
  protected synced(): void {}

  async run(): Promise<void> {
    await this.prepare();
    if (this.stopped) return;
    await Promise.all(this.caches.map((c) => c.waitForSync()));
    if (this.stopped) return;
    this.synced();
    for (const p of this.periodic) {
      const t = setInterval(p.pass, p.ms);
      t.unref();
      this.timers.push(t);
    }
    await Promise.all(
      this.loops.map((l) =>
        runWorkers(l.queue, l.workers, l.sync, (key, err) => {
          if (!isConflict(err)) this.log(`${l.label} ${key}: ${String(err)}`);
        }),
      ),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const l of this.loops) l.queue.shutdown();
  }
}

/** The common case: one queue of object keys and one sync(key). */
export abstract class QueueController extends Controller {
  protected readonly queue: WorkQueue;

  constructor(label: string, opts: ControllerOptions, defaultWorkers: number, queueOpts: WorkQueueOptions) {
    super(opts);
    this.queue = this.addQueue(label, opts.workers ?? defaultWorkers, (key) => this.sync(key), queueOpts);
  }

  abstract sync(key: string): Promise<void>;

  /** Queue the object's own key on every add, update and delete (the usual primary-resource handlers). */
  protected enqueueOnChange<T extends KubeObject>(informer: Informer<T>): void {
    const enqueue = (o: T) => this.queue.add(keyOf(o));
    informer.addHandlers({ add: enqueue, update: (_old, cur) => enqueue(cur), delete: enqueue } satisfies EventHandlers<T>);
  }

  /** Queue every object of a cache (a periodic re-check, or a change that concerns them all). */
  protected enqueueAll<T extends KubeObject>(informer: Informer<T>): void {
    for (const o of informer.list()) this.queue.add(keyOf(o));
  }
}
