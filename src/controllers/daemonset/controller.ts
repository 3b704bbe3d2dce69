// The DaemonSet controller: one pod per eligible node, created pinned to its node through node
// affinity and left to the scheduler to bind; replaced revision by revision on RollingUpdate
// (or only when deleted, on OnDelete). Handlers enqueue DaemonSet keys; sync is level-based.
import type { ControllerRevision, DaemonSet, DaemonSetStatus } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
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
import { isPodReady } from '../common/pod-state.js';
import { StatusWriter } from '../common/status-writer.js';
import { ensureRevision, truncateHistory } from '../history/revision.js';
import { daemonPod } from './daemon-pod.js';
import { planDaemonSet } from './plan.js';

export type DaemonSetControllerOptions = ControllerOptions;

const KIND = 'DaemonSet';
const API_VERSION = 'apps/v1';

export class DaemonSetController extends QueueController {
  private readonly sets: Informer<DaemonSet>;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly expectations = new Expectations();
  private readonly recorder: EventRecorder;
  private readonly statusWriter: StatusWriter<DaemonSet>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: DaemonSetControllerOptions = {},
  ) {
    super(KIND, opts, 2, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.recorder = new EventRecorder(client, 'daemonset-controller');
    this.statusWriter = new StatusWriter(client, R.daemonsets, API_VERSION, KIND);
    this.sets = this.cache(factory.informerFor<DaemonSet>(R.daemonsets));
    this.nodes = this.cache(factory.informerFor<Node>(R.nodes));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.revisions = this.cache(factory.informerFor<ControllerRevision>(R.controllerrevisions));
    this.enqueueOnChange(this.sets);
    const allSets = () => this.enqueueAll(this.sets);
    this.nodes.addHandlers({ add: allSets, update: (o, n) => this.nodeChanged(o, n) && allSets(), delete: allSets });
    this.pods.addHandlers({ add: (p) => this.podEvent(p, 'add'), update: (_o, p) => this.podEvent(p, 'update'), delete: (p) => this.podEvent(p, 'delete') });
  }

  /** Only labels, taints and conditions matter to placement; heartbeats don't. */
  private nodeChanged(old: Node, cur: Node): boolean {
    const view = (n: Node) => JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable]);
    return view(old) !== view(cur);
  }

  private podEvent(pod: Pod, type: 'add' | 'update' | 'delete'): void {
    const ds = resolveControllerRef(this.sets, pod.metadata.namespace, controllerOf(pod), KIND);
    if (!ds) return;
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
          this.recorder.event(this.withKind(ds), 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
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
    await this.statusWriter.update(ds, next);
  }
}
