// The deployment controller: each Deployment owns ReplicaSets, one per pod template, and moves
// replicas from the old ones to the new one as its strategy allows. Handlers only enqueue
// deployment keys; `sync(key)` picks the step (status only, paused, scaling, or rollout) from
// the current state each time, as upstream's syncDeployment does.
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { OwnerReference } from '../../api/meta/types.js';
import { selectorFromLabelSelector } from '../../api/labels/index.js';
import { semanticEqual } from '../../api/meta/equality.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { claimObjects, controllerOf, recheckOwner, resolveControllerRef } from '../common/controller-ref.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { desiredReplicasAnnotation, filterActive, specReplicas } from './replicas.js';
import { rolloutRolling } from './rolling.js';
import { DeploymentSync } from './sync.js';

export type DeploymentControllerOptions = ControllerOptions;

export class DeploymentController extends QueueController {
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: DeploymentControllerOptions = {},
  ) {
    super('deployment', opts, 5, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.recorder = new EventRecorder(client, 'deployment-controller');
    this.deployments = this.cache(factory.informerFor<Deployment>(R.deployments));
    this.replicaSets = this.cache(factory.informerFor<ReplicaSet>(R.replicasets));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.enqueueOnChange(this.deployments);
    this.replicaSets.addHandlers({ add: (rs) => this.rsAdded(rs), update: (o, c) => this.rsUpdated(o, c), delete: (rs) => this.rsDeleted(rs) });
    this.pods.addHandlers({ delete: (p) => this.podDeleted(p) });
  }

  // ---- event handlers -------------------------------------------------------------------

  private resolve(namespace: string | undefined, ref: OwnerReference | undefined): Deployment | undefined {
    return resolveControllerRef(this.deployments, namespace, ref, 'Deployment');
  }

  private selecting(rs: ReplicaSet): Deployment[] {
    return this.deployments.list(rs.metadata.namespace).filter((d) => {
      try {
        const sel = selectorFromLabelSelector(d.spec?.selector);
        return !sel.empty() && sel.matches(rs.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  private enqueueOwner(rs: ReplicaSet): void {
    const d = this.resolve(rs.metadata.namespace, controllerOf(rs));
    if (d) this.queue.add(keyOf(d));
  }

  private rsAdded(rs: ReplicaSet): void {
    if (rs.metadata.deletionTimestamp) return this.rsDeleted(rs);
    if (controllerOf(rs)) return this.enqueueOwner(rs);
    for (const d of this.selecting(rs)) this.queue.add(keyOf(d));
  }

  private rsUpdated(old: ReplicaSet, cur: ReplicaSet): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = !semanticEqual(curRef, oldRef);
    if (refChanged && oldRef) this.enqueueOwner(old);
    if (curRef) return this.enqueueOwner(cur);
    const labelsChanged = !semanticEqual(old.metadata.labels, cur.metadata.labels);
    if (labelsChanged || refChanged) for (const d of this.selecting(cur)) this.queue.add(keyOf(d));
  }

  private rsDeleted(rs: ReplicaSet): void {
    this.enqueueOwner(rs);
  }

  /** A Recreate rollout waits for the old pods to be gone; their deletion is what it waits for. */
  private podDeleted(pod: Pod): void {
    const rs = resolveControllerRef(this.replicaSets, pod.metadata.namespace, controllerOf(pod), 'ReplicaSet');
    if (!rs) return;
    const d = this.resolve(rs.metadata.namespace, controllerOf(rs));
    if (d && d.spec?.strategy?.type === 'Recreate') this.queue.add(keyOf(d));
  }

  // ---- sync -------------------------------------------------------------------------------

  async sync(key: string): Promise<void> {
    const cached = this.deployments.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const deps = {
      client: this.client,
      recorder: this.recorder,
      now: this.now,
      requeue: (k: string, ms: number) => (ms <= 0 ? this.queue.addRateLimited(k) : this.queue.addAfter(k, ms)),
    };
    if (semanticEqual(d.spec?.selector, {})) {
      // Selecting everything would adopt every pod of the namespace: refuse, as upstream does.
      const s = new DeploymentSync(deps, d, []);
      this.recorder.event(s.d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        s.d.status = { ...s.d.status, observedGeneration: d.metadata.generation };
        await s.writeStatus();
      }
      return;
    }
    const rsList = await this.replicaSetsFor(d);
    const s = new DeploymentSync(deps, d, rsList);
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await s.newAndOld(false);
      return s.syncStatus([...oldRSs, newRS], newRS);
    }
    await s.checkPausedConditions();
    if (s.d.spec?.paused) return this.scaleOnly(s);
    if (await this.isScalingEvent(s)) return this.scaleOnly(s);
    if (s.d.spec?.strategy?.type === 'Recreate') return rolloutRecreate(s, this.podMap(s.d, s.rsList));
    return rolloutRolling(s);
  }

  /** The ReplicaSets this deployment controls, after adopting matching orphans and releasing strays. */
  private async replicaSetsFor(d: Deployment): Promise<ReplicaSet[]> {
    const selector = selectorFromLabelSelector(d.spec?.selector);
    return claimObjects(this.replicaSets.list(d.metadata.namespace), {
      client: this.client,
      owner: d,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'Deployment',
      resource: R.replicasets,
      matches: (rs) => selector.matches(rs.metadata.labels ?? {}),
      canAdopt: recheckOwner(this.client, R.deployments, d),
    });
  }

  private podMap(d: Deployment, rsList: ReplicaSet[]): PodMap {
    const selector = selectorFromLabelSelector(d.spec?.selector);
    const uids = new Set(rsList.map((rs) => rs.metadata.uid!));
    const map: PodMap = new Map([...uids].map((u) => [u, []]));
    for (const p of this.pods.list(d.metadata.namespace)) {
      const ref = controllerOf(p);
      if (!ref || !uids.has(ref.uid) || !selector.matches(p.metadata.labels ?? {})) continue;
      map.get(ref.uid)!.push(p);
    }
    return map;
  }

  /** The replica count changed since the active RSs were last sized (their desired-replicas annotation). */
  private async isScalingEvent(s: DeploymentSync): Promise<boolean> {
    const { newRS, oldRSs } = await s.newAndOld(false);
    return filterActive([...oldRSs, newRS]).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== specReplicas(s.d);
    });
  }

  /** Scale without rolling out (paused, or a replica count change); paused deployments also prune history. */
  private async scaleOnly(s: DeploymentSync): Promise<void> {
    const { newRS, oldRSs } = await s.newAndOld(false);
    await s.scale(newRS, oldRSs);
    const latest = (rs: ReplicaSet | undefined) => rs && (s.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs);
    const old = oldRSs.map((rs) => latest(rs)!);
    if (s.d.spec?.paused) await s.cleanup(old);
    await s.syncStatus([...old, latest(newRS)], latest(newRS));
  }
}
