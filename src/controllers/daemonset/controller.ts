// The DaemonSet controller: one pod per eligible node, created pinned to its node through node
// affinity and left to the scheduler to bind; replaced revision by revision on RollingUpdate
// (or only when deleted, on OnDelete). Handlers enqueue DaemonSet keys; sync is level-based.
import type { ControllerRevision, DaemonSet, DaemonSetStatus } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { selectorFromLabelSelector } from '../../api/labels/index.js';
import type { KubeObject } from '../../api/meta/types.js';
import { EventRecorder } from '../../client/events.js';
import { OWNER_INDEX, type Informer, type SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import { ApiStatusError, type RestClient } from '../../client/rest.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import { controllerOf, newControllerRef } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { isPodReady } from '../common/pod-state.js';
import { ensureRevision, truncateHistory } from '../history/revision.js';
import { daemonPod } from './daemon-pod.js';
import { planDaemonSet } from './plan.js';

export interface DaemonSetControllerOptions {
  workers?: number;
  log?: (line: string) => void;
  clock?: () => number;
}

const KIND = 'DaemonSet';
const API_VERSION = 'apps/v1';
const isNotFound = (err: unknown): boolean => err instanceof ApiStatusError && err.code === 404;

export class DaemonSetController {
  private readonly sets: Informer<DaemonSet>;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly expectations = new Expectations();
  private readonly recorder: EventRecorder;
  private readonly now: () => number;

  constructor(
    private readonly client: RestClient,
    factory: SharedInformerFactory,
    private readonly opts: DaemonSetControllerOptions = {},
  ) {
    this.now = opts.clock ?? Date.now;
    this.recorder = new EventRecorder(client, 'daemonset-controller');
    this.sets = factory.informerFor<DaemonSet>(R.daemonsets);
    this.nodes = factory.informerFor<Node>(R.nodes);
    this.pods = factory.informerFor<Pod>(R.pods);
    this.revisions = factory.informerFor<ControllerRevision>(R.controllerrevisions);
    this.sets.addHandlers({ add: (d) => this.queue.add(keyOf(d)), update: (_o, d) => this.queue.add(keyOf(d)), delete: (d) => this.queue.add(keyOf(d)) });
    const allSets = () => {
      for (const d of this.sets.list()) this.queue.add(keyOf(d));
    };
    this.nodes.addHandlers({ add: allSets, update: (o, n) => this.nodeChanged(o, n) && allSets(), delete: allSets });
    this.pods.addHandlers({ add: (p) => this.podEvent(p, 'add'), update: (_o, p) => this.podEvent(p, 'update'), delete: (p) => this.podEvent(p, 'delete') });
  }

  async run(): Promise<void> {
    await Promise.all([this.sets.waitForSync(), this.nodes.waitForSync(), this.pods.waitForSync(), this.revisions.waitForSync()]);
    await runWorkers(this.queue, this.opts.workers ?? 2, (k) => this.sync(k), (k, err) => this.opts.log?.(`DaemonSet ${k}: ${String(err)}`));
  }

  stop(): void {
    this.queue.shutdown();
  }

  /** Only labels, taints and conditions matter to placement; heartbeats don't. */
  private nodeChanged(old: Node, cur: Node): boolean {
    const view = (n: Node) => JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable]);
    return view(old) !== view(cur);
  }

  private podEvent(pod: Pod, type: 'add' | 'update' | 'delete'): void {
    const ref = controllerOf(pod);
    if (ref?.kind !== KIND) return;
    const ds = this.sets.get(`${pod.metadata.namespace}/${ref.name}`);
    if (!ds || ds.metadata.uid !== ref.uid) return;
    const key = keyOf(ds);
    if (type === 'add') this.expectations.creationObserved(key);
    if (type === 'delete' || pod.metadata.deletionTimestamp) this.expectations.deletionObserved(key, keyOf(pod));
    this.queue.add(key);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && isPodReady(pod)) this.queue.addAfter(key, minReady * 1000 + 10);
  }

  private withKind(ds: DaemonSet): KubeObject {
    return { ...ds, apiVersion: API_VERSION, kind: KIND };
  }

  async sync(key: string): Promise<void> {
    const ds = this.sets.get(key);
    if (!ds) {
      this.expectations.forget(key);
      return;
    }
    const selector = selectorFromLabelSelector(ds.spec?.selector);
    const ref = newControllerRef(ds, API_VERSION, KIND);
    const owned = this.revisions.byIndex(OWNER_INDEX, ds.metadata.uid!).filter((r) => controllerOf(r)?.uid === ds.metadata.uid);
    const pods = this.pods.byIndex(OWNER_INDEX, ds.metadata.uid!).filter((p) => controllerOf(p)?.uid === ds.metadata.uid && selector.matches(p.metadata.labels ?? {}));
    if (ds.metadata.deletionTimestamp) return;
    const rev = await ensureRevision(this.client, owned, {
      owner: ds,
      ref,
      labels: { ...(ds.spec?.selector?.matchLabels ?? {}) },
      template: ds.spec?.template,
      collisionCount: ds.status?.collisionCount,
    });
    const hash = rev.update.metadata.labels?.['controller-revision-hash'] ?? '';
    const plan = planDaemonSet(ds, this.nodes.list(), pods, hash, this.now());
    let manageError: unknown;
    if (this.expectations.satisfied(key)) {
      try {
        await this.manage(key, ds, plan.createOn, plan.remove, hash);
      } catch (err) {
        manageError = err;
      }
    }
    const live = new Set<string>([hash, ...pods.map((p) => p.metadata.labels?.['controller-revision-hash'] ?? '')]);
    await truncateHistory(this.client, rev.history, live, ds.spec?.revisionHistoryLimit);
    await this.updateStatus(ds, { ...plan.status, collisionCount: rev.collisionCount });
    if (manageError !== undefined) throw manageError;
  }

  private async manage(key: string, ds: DaemonSet, createOn: string[], remove: Pod[], hash: string): Promise<void> {
    const ns = ds.metadata.namespace!;
    if (createOn.length) this.expectations.expectCreations(key, createOn.length);
    const ref = newControllerRef(ds, API_VERSION, KIND);
    const errors: unknown[] = [];
    await Promise.all(
      createOn.map(async (node) => {
        try {
          const pod = await this.client.create<Pod>(resourcePath(R.pods, ns), daemonPod(ds, node, hash, ref));
          this.recorder.event(this.withKind(ds), 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (err) {
          this.expectations.lowerCreations(key, 1);
          this.recorder.event(this.withKind(ds), 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`);
          errors.push(err);
        }
      }),
    );
    // One record per key: when a sync both creates and deletes, waiting on the creations suffices.
    if (remove.length && !createOn.length) this.expectations.expectDeletions(key, remove.map(keyOf));
    await Promise.all(
      remove.map(async (pod) => {
        try {
          await this.client.delete(resourcePath(R.pods, ns, pod.metadata.name));
          this.recorder.event(this.withKind(ds), 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, keyOf(pod));
          if (!isNotFound(err)) errors.push(err);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  private async updateStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    const next: DaemonSetStatus = { ...ds.status, ...status, observedGeneration: ds.metadata.generation };
    if (next.collisionCount === undefined) delete next.collisionCount;
    if (JSON.stringify(next) === JSON.stringify(ds.status)) return;
    try {
      await this.client.update(resourcePath(R.daemonsets, ds.metadata.namespace, ds.metadata.name, 'status'), { ...this.withKind(ds), status: next });
    } catch (err) {
      // A stale cache copy: the update event that follows brings the key back.
      if (err instanceof ApiStatusError && err.code === 409) return;
      if (!isNotFound(err)) throw err;
    }
  }
}
