// The replica controller: keeps `spec.replicas` active pods matching each ReplicaSet (or
// ReplicationController, the same code with another kind) by creating pods from the template
// and deleting the cheapest extras, and reports what it sees in the owner's status. Handlers only
// enqueue owner keys; `sync(key)` is level-based and guarded by expectations.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { KubeObject, OwnerReference } from '../../api/meta/types.js';
import { errorMessage, hasCause, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { claimObjects, controllerOf, newControllerRef, recheckOwner, resolveControllerRef } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { StatusWriter } from '../common/status-writer.js';
import { podsToDelete } from './delete-order.js';
import { replicaSetKind, type ReplicaKind, type ReplicaOwner } from './kinds.js';
import { podFromTemplate } from './pod-template.js';
import { isPodActive, isPodReady } from '../common/pod-state.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from './slow-start.js';
import { calculateStatus, statusChanged, type ReplicaStatus } from './status.js';

/** Upstream's burstReplicas: the most pods one sync creates or deletes. */
export const BURST_REPLICAS = 500;

export interface ReplicaControllerOptions extends ControllerOptions {
  kind?: ReplicaKind;
  burstReplicas?: number;
}

export class ReplicaController extends QueueController {
  readonly kind: ReplicaKind;
  private readonly owners: Informer<ReplicaOwner>;
  private readonly pods: Informer<Pod>;
  private readonly expectations = new Expectations();
  private readonly recorder: EventRecorder;
  private readonly statusWriter: StatusWriter<ReplicaOwner>;
  private readonly burst: number;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: ReplicaControllerOptions = {},
  ) {
    const kind = opts.kind ?? replicaSetKind;
    super(kind.kind, opts, 5, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.kind = kind;
    this.burst = opts.burstReplicas ?? BURST_REPLICAS;
    this.recorder = new EventRecorder(client, kind.component);
    this.statusWriter = new StatusWriter(client, kind.resource, kind.apiVersion, kind.kind);
    this.owners = this.cache(factory.informerFor<ReplicaOwner>(kind.resource));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.owners.addHandlers({
      add: (o) => this.queue.add(keyOf(o)),
      update: (_old, cur) => this.queue.add(keyOf(cur)),
      delete: (o) => {
        this.expectations.forget(keyOf(o));
        this.queue.add(keyOf(o));
      },
    });
    this.pods.addHandlers({ add: (p) => this.podAdded(p), update: (o, c) => this.podUpdated(o, c), delete: (p) => this.podDeleted(p) });
  }

  // ---- event handlers: enqueue the owners a pod change concerns -------------------------

  private resolve(namespace: string | undefined, ref: OwnerReference | undefined): ReplicaOwner | undefined {
    return resolveControllerRef(this.owners, namespace, ref, this.kind.kind);
  }

  /** Owners whose selector matches an orphan pod (candidates to adopt it). */
  private ownersSelecting(pod: Pod): ReplicaOwner[] {
    return this.owners.list(pod.metadata.namespace).filter((o) => {
      try {
        return this.kind.selector(o).matches(pod.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const owner = this.resolve(pod.metadata.namespace, ref);
      if (!owner) return;
      this.expectations.creationObserved(keyOf(owner));
      this.queue.add(keyOf(owner));
      return;
    }
    for (const o of this.ownersSelecting(pod)) this.queue.add(keyOf(o));
  }

  private podUpdated(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      this.podDeleted(cur);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const prev = this.resolve(old.metadata.namespace, oldRef);
      if (prev) this.queue.add(keyOf(prev));
    }
    if (curRef) {
      const owner = this.resolve(cur.metadata.namespace, curRef);
      if (!owner) return;
      this.queue.add(keyOf(owner));
      // A pod that just became ready becomes available minReadySeconds later: look again then.
      const minReady = owner.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) this.queue.addAfter(keyOf(owner), minReady * 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const o of this.ownersSelecting(cur)) this.queue.add(keyOf(o));
  }

  private podDeleted(pod: Pod): void {
    const owner = this.resolve(pod.metadata.namespace, controllerOf(pod));
    if (!owner) return;
    this.expectations.deletionObserved(keyOf(owner), keyOf(pod));
    this.queue.add(keyOf(owner));
  }

  // ---- sync -------------------------------------------------------------------------------

  async sync(key: string): Promise<void> {
    const owner = this.owners.get(key);
    if (!owner) {
      this.expectations.forget(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    let selector;
    try {
      selector = this.kind.selector(owner);
    } catch (err) {
      // An invalid selector can't become valid by retrying; the API rejects it anyway.
      this.log(`${this.kind.kind} ${key}: invalid selector: ${String(err)}`);
      return;
    }
    const active = this.pods.list(owner.metadata.namespace).filter(isPodActive);
    const pods = await claimObjects(active, {
      client: this.client,
      owner,
      ownerApiVersion: this.kind.apiVersion,
      ownerKind: this.kind.kind,
      resource: R.pods,
      matches: (p) => selector.matches(p.metadata.labels ?? {}),
      canAdopt: recheckOwner(this.client, this.kind.resource, owner),
    });
    let manageError: unknown;
    if (needsSync && !owner.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, owner, pods);
      } catch (err) {
        manageError = err;
      }
    }
    const status = calculateStatus(owner, pods, manageError, this.now());
    const updated = await this.updateStatus(owner, status);
    const minReady = updated.spec?.minReadySeconds ?? 0;
    const replicas = updated.spec?.replicas ?? 0;
    if (manageError === undefined && minReady > 0 && (updated.status?.readyReplicas ?? 0) === replicas && (updated.status?.availableReplicas ?? 0) !== replicas) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (manageError !== undefined) throw manageError;
  }

  private withKind(owner: ReplicaOwner): KubeObject {
    return { ...owner, apiVersion: this.kind.apiVersion, kind: this.kind.kind };
  }

  private async manageReplicas(key: string, owner: ReplicaOwner, pods: Pod[]): Promise<void> {
    const ns = owner.metadata.namespace!;
    const diff = pods.length - (owner.spec?.replicas ?? 0);
    if (diff < 0) {
      const count = Math.min(-diff, this.burst);
      this.expectations.expectCreations(key, count);
      const ref = newControllerRef(owner, this.kind.apiVersion, this.kind.kind);
      const body = podFromTemplate(owner.spec?.template ?? {}, owner.metadata.name!, ns, ref);
      let unobservable = 0;
      const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH_SIZE, async () => {
        try {
          const pod = await this.client.create<Pod>(resourcePath(R.pods, ns), body);
          this.recorder.event(this.withKind(owner), 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (err) {
          // A terminating namespace refuses every create; that is not this controller's failure.
          if (hasCause(err, 'NamespaceTerminating')) {
            unobservable++;
            return;
          }
          this.recorder.event(this.withKind(owner), 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
          throw err;
        }
      });
      this.expectations.lowerCreations(key, count - successes + unobservable);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, this.burst);
      const victims = podsToDelete(pods, this.relatedPods(owner, pods), count, this.now());
      this.expectations.expectDeletions(key, victims.map(keyOf));
      const results = await Promise.allSettled(victims.map((p) => this.deletePod(key, owner, p)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  private async deletePod(key: string, owner: ReplicaOwner, pod: Pod): Promise<void> {
    try {
      await this.client.delete(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name));
      this.recorder.event(this.withKind(owner), 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      this.expectations.deletionObserved(key, keyOf(pod));
      if (isNotFound(err)) return;
      this.recorder.event(this.withKind(owner), 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
  }

  /**
   * The active pods of every owner controlled by the same controller (a Deployment's other
   * ReplicaSets): a scale-down prefers pods on nodes crowded by the whole family.
   */
  private relatedPods(owner: ReplicaOwner, pods: Pod[]): Pod[] {
    const parent = controllerOf(owner);
    if (!parent) return pods;
    const siblings = new Set(
      this.owners
        .list(owner.metadata.namespace)
        .filter((o) => controllerOf(o)?.uid === parent.uid)
        .map((o) => o.metadata.uid),
    );
    return this.pods.list(owner.metadata.namespace).filter((p) => {
      const ref = controllerOf(p);
      return ref?.kind === this.kind.kind && siblings.has(ref.uid);
    });
  }

  private async updateStatus(owner: ReplicaOwner, status: ReplicaStatus): Promise<ReplicaOwner> {
    if (!statusChanged(owner, status)) return owner;
    return (await this.statusWriter.put({ ...owner, status: { ...status, observedGeneration: owner.metadata.generation } })) ?? owner;
  }
}
