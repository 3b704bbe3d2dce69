// The pod garbage collector: on a period, force-deletes terminated pods beyond a threshold
// (oldest first), pods bound to nodes that no longer exist (after a quarantine and a live check,
// marked Failed with a DisruptionTarget condition first), and unscheduled pods being deleted.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { boundToMissingNodes, isTerminated, terminatedOverThreshold, unscheduledTerminating } from './select.js';
import { rfc3339 } from '../../util/time.js';

export const DEFAULT_TERMINATED_POD_THRESHOLD = 12_500;
const GC_PERIOD_MS = 20_000;
const QUARANTINE_MS = 40_000;
/** The one key of the queue: a pass looks at every pod, so passes need no finer key. */
const PASS = 'gc';

export interface PodGCOptions extends Omit<ControllerOptions, 'workers'> {
  /** Terminated pods kept before the oldest are deleted (upstream's --terminated-pod-gc-threshold). */
  terminatedPodThreshold?: number;
  periodMs?: number;
  /** How long a node must be missing before its pods are collected. */
  quarantineMs?: number;
}

export class PodGC extends QueueController {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  /** Node names first seen missing, and when. */
  private readonly missingSince = new Map<string, number>();

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    private readonly opts: PodGCOptions = {},
  ) {
    super('podgc', { ...opts, workers: 1 }, 1, { baseDelayMs: 1000, maxDelayMs: opts.periodMs ?? GC_PERIOD_MS });
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.nodes = this.cache(factory.informerFor<Node>(R.nodes));
    this.every(opts.periodMs ?? GC_PERIOD_MS, () => this.queue.add(PASS));
  }

  protected override synced(): void {
    this.queue.add(PASS);
  }

  sync(): Promise<void> {
    return this.gc();
  }

  /** One pass over the cached pods. */
  async gc(): Promise<void> {
    const pods = this.pods.list();
    for (const p of terminatedOverThreshold(pods, this.opts.terminatedPodThreshold ?? DEFAULT_TERMINATED_POD_THRESHOLD)) await this.forceDelete(p, false);
    await this.gcOrphaned(pods);
    for (const p of unscheduledTerminating(pods)) await this.forceDelete(p, false);
  }

  private async gcOrphaned(pods: Pod[]): Promise<void> {
    const now = this.now();
    const quarantine = this.opts.quarantineMs ?? QUARANTINE_MS;
    const orphans = boundToMissingNodes(pods, (n) => !!this.nodes.get(n));
    const missing = new Set(orphans.map((p) => p.spec!.nodeName!));
    for (const n of [...this.missingSince.keys()]) if (!missing.has(n)) this.missingSince.delete(n);
    const confirmed = new Set<string>();
    for (const n of missing) {
      const since = this.missingSince.get(n);
      if (since === undefined) {
        this.missingSince.set(n, now);
        if (quarantine > 0) continue;
      } else if (now - since < quarantine) continue;
      // The cache may lag: only a 404 from the server proves the node is gone.
      try {
        await this.client.get(resourcePath(R.nodes, undefined, n));
        this.missingSince.delete(n);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        confirmed.add(n);
      }
    }
    for (const p of orphans) if (confirmed.has(p.spec!.nodeName!)) await this.forceDelete(p, true);
  }

  /** Mark the pod Failed (with why, for orphans) unless already terminal, then delete it at once. */
  private async forceDelete(pod: Pod, orphaned: boolean): Promise<void> {
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    this.log(`podgc: deleting pod ${ns}/${name}`);
    try {
      if (!isTerminated(pod)) {
        const status: Record<string, unknown> = { phase: 'Failed' };
        if (orphaned) {
          const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
          conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: rfc3339(this.now()) });
          status['conditions'] = conditions;
        }
        await this.client.patch(resourcePath(R.pods, ns, name, 'status'), { status });
      }
      await this.client.delete(resourcePath(R.pods, ns, name), { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
