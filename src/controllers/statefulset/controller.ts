// The StatefulSet controller: pods with stable ordinal names, created lowest first and each
// Running and Ready before the next (OrderedReady) or all at once (Parallel), removed highest
// first, and rolled to a new revision from the highest ordinal down to the partition.
import type { ControllerRevision, StatefulSet, StatefulSetStatus } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/types.js';
import { selectorFromLabelSelector } from '../../api/labels/index.js';
import type { KubeObject } from '../../api/meta/types.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/events.js';
import { OWNER_INDEX, type Informer, type SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { controllerOf, newControllerRef, resolveControllerRef } from '../common/controller-ref.js';
import { isPodAvailable, isPodReady, isPodTerminal } from '../common/pod-state.js';
import { StatusWriter } from '../common/status-writer.js';
import { CONTROLLER_REVISION_HASH_LABEL, ensureRevision, truncateHistory } from '../history/revision.js';
import { claimOwnerRefs, hasUnexpectedController, isClaimOwnerUpToDate, podInOrdinalRange } from './claim-retention.js';
import { claimName, claimsFor, ordinalOf, podName, statefulPod } from './identity.js';

export type StatefulSetControllerOptions = ControllerOptions;

const KIND = 'StatefulSet';
const API_VERSION = 'apps/v1';
const isRunningAndReady = (p: Pod): boolean => p.status?.phase === 'Running' && isPodReady(p);
const revisionOf = (p: Pod): string | undefined => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];

/** The template a revision recorded (its data is a patch replacing spec.template). */
function templateOf(rev: ControllerRevision): StatefulSet['spec'] {
  const t = structuredClone((rev.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template ?? {});
  delete t['$patch'];
  return { template: t };
}

export class StatefulSetController extends QueueController {
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly recorder: EventRecorder;
  private readonly statusWriter: StatusWriter<StatefulSet>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: StatefulSetControllerOptions = {},
  ) {
    super(KIND, opts, 2, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.recorder = new EventRecorder(client, 'statefulset-controller');
    this.statusWriter = new StatusWriter(client, R.statefulsets, API_VERSION, KIND);
    this.sets = this.cache(factory.informerFor<StatefulSet>(R.statefulsets));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.revisions = this.cache(factory.informerFor<ControllerRevision>(R.controllerrevisions));
    // Read, not watched (as upstream's lister): a claim's change reaches the set on its next sync.
    this.claims = this.cache(factory.informerFor<PersistentVolumeClaim>(R.persistentvolumeclaims));
    this.enqueueOnChange(this.sets);
    const podEvent = (p: Pod) => {
      const set = resolveControllerRef(this.sets, p.metadata.namespace, controllerOf(p), KIND);
      if (!set) return;
      this.queue.add(keyOf(set));
      const minReady = set.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && isPodReady(p)) this.queue.addAfter(keyOf(set), minReady * 1000 + 10);
    };
    this.pods.addHandlers({ add: podEvent, update: (_o, p) => podEvent(p), delete: podEvent });
  }

  private withKind(set: StatefulSet): KubeObject {
    return { ...set, apiVersion: API_VERSION, kind: KIND };
  }

  async sync(key: string): Promise<void> {
    const set = this.sets.get(key);
    if (!set || set.metadata.deletionTimestamp) return;
    const selector = selectorFromLabelSelector(set.spec?.selector);
    const uid = set.metadata.uid!;
    const pods = this.pods.byIndex(OWNER_INDEX, uid).filter((p) => controllerOf(p)?.uid === uid && selector.matches(p.metadata.labels ?? {}));
    const owned = this.revisions.byIndex(OWNER_INDEX, uid).filter((r) => controllerOf(r)?.uid === uid);
    const ref = newControllerRef(set, API_VERSION, KIND);
    const rev = await ensureRevision(this.client, owned, { owner: set, ref, labels: { ...(set.spec?.selector?.matchLabels ?? {}) }, template: set.spec?.template, collisionCount: set.status?.collisionCount });
    const update = rev.update;
    const current = rev.history.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;

    let manageError: unknown;
    try {
      await this.manage(set, pods, current, update);
    } catch (err) {
      manageError = err;
    }
    const status = this.status(set, pods, current.metadata.name!, update.metadata.name!, rev.collisionCount);
    const live = new Set<string>([current.metadata.name!, update.metadata.name!, ...pods.map((p) => revisionOf(p) ?? '')]);
    await truncateHistory(this.client, rev.history, live, set.spec?.revisionHistoryLimit);
    await this.updateStatus(set, status);
    if (manageError !== undefined) throw manageError;
  }

  private healthy(set: StatefulSet, p: Pod): boolean {
    return isRunningAndReady(p) && !p.metadata.deletionTimestamp && isPodAvailable(p, set.spec?.minReadySeconds ?? 0, this.now());
  }

  private async manage(set: StatefulSet, pods: Pod[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const replicas = set.spec?.replicas ?? 1;
    const start = set.spec?.ordinals?.start ?? 0;
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = rolling ? (set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const slots = new Map<number, Pod>();
    const condemned: Pod[] = [];
    for (const p of pods) {
      const ord = ordinalOf(set, p);
      if (ord !== undefined && ord >= start && ord < start + replicas && !slots.has(ord)) slots.set(ord, p);
      else condemned.push(p);
    }
    condemned.sort((a, b) => (ordinalOf(set, b) ?? -1) - (ordinalOf(set, a) ?? -1));

    for (let ord = start; ord < start + replicas; ord++) {
      const pod = slots.get(ord);
      if (!pod) {
        const atCurrent = rolling && ord < partition && current.metadata.name !== update.metadata.name;
        await this.createPod(set, ord, atCurrent ? current : update);
        if (monotonic) return;
        continue;
      }
      if (!pod.metadata.deletionTimestamp) {
        // A pending pod may have lost a claim (deleted by hand): upstream's createMissingPersistentVolumeClaims.
        if (pod.status?.phase === 'Pending') await this.createClaims(set, ord, pod.metadata.name!);
        await this.applyRetention(set, pod, ord);
      }
      if (isPodTerminal(pod) && !pod.metadata.deletionTimestamp) {
        // A finished stateful pod is restarted under the same name: delete, then re-create.
        await this.deletePod(set, pod);
        if (monotonic) return;
        continue;
      }
      if (monotonic && !this.healthy(set, pod)) return;
    }
    for (const pod of condemned) {
      if (pod.metadata.deletionTimestamp) {
        if (monotonic) return;
        continue;
      }
      // Scaled away: whenScaled=Delete hands the claims to the pod first, so they go with it.
      const ord = ordinalOf(set, pod);
      if (ord !== undefined) await this.applyRetention(set, pod, ord);
      await this.deletePod(set, pod);
      if (monotonic) return;
    }
    if (!rolling) return;
    for (let ord = start + replicas - 1; ord >= start + partition; ord--) {
      const pod = slots.get(ord);
      if (!pod) return;
      if (revisionOf(pod) !== update.metadata.name && !pod.metadata.deletionTimestamp) {
        await this.deletePod(set, pod);
        return;
      }
      if (!this.healthy(set, pod)) return;
    }
  }

  /**
   * The ordinal's claims that do not exist yet, from the templates, with no owner references
   * (the retention policy sets them once the pod exists). A claim being deleted stops the pod's
   * creation: it would start on a volume about to go.
   */
  private async createClaims(set: StatefulSet, ordinal: number, pod: string): Promise<void> {
    const ns = set.metadata.namespace!;
    for (const claim of claimsFor(set, ordinal)) {
      const existing = this.claims.get(`${ns}/${claim.metadata.name}`);
      if (existing) {
        if (existing.metadata.deletionTimestamp) throw new Error(`pvc ${claim.metadata.name} is being deleted`);
        continue;
      }
      try {
        await this.client.create(resourcePath(R.persistentvolumeclaims, ns), claim);
        this.recorder.event(this.withKind(set), 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        this.recorder.event(this.withKind(set), 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod} in StatefulSet ${set.metadata.name} failed error: ${String(err)}`);
        throw new Error(`failed to create PVC ${claim.metadata.name}: ${String(err)}`);
      }
    }
  }

  /** UpdatePodClaimForRetentionPolicy: each claim of the pod gets the owner references the policy asks for. */
  private async applyRetention(set: StatefulSet, pod: Pod, ordinal: number): Promise<void> {
    const ns = set.metadata.namespace!;
    const scaledDown = !podInOrdinalRange(ordinal, set);
    for (const t of set.spec?.volumeClaimTemplates ?? []) {
      const name = claimName(t.metadata?.name ?? '', set, ordinal);
      const claim = this.claims.get(`${ns}/${name}`);
      // Not seen yet: the next sync picks it up.
      if (!claim) continue;
      if (hasUnexpectedController(claim, set, pod)) {
        this.recorder.event(this.withKind(set), 'Warning', 'ConflictingController', `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`);
      }
      if (isClaimOwnerUpToDate(claim, set, pod, scaledDown)) continue;
      const refs = claimOwnerRefs(claim, set, pod, scaledDown);
      const updated: PersistentVolumeClaim = { ...structuredClone(claim), apiVersion: 'v1', kind: 'PersistentVolumeClaim' };
      if (refs.length) updated.metadata.ownerReferences = refs;
      else delete updated.metadata.ownerReferences;
      try {
        await this.client.update(resourcePath(R.persistentvolumeclaims, ns, name), updated);
      } catch (err) {
        if (isNotFound(err)) continue;
        throw new Error(`could not update claim ${name} for delete policy ownerRefs: ${String(err)}`);
      }
    }
  }

  private async createPod(set: StatefulSet, ordinal: number, revision: ControllerRevision): Promise<void> {
    const ns = set.metadata.namespace!;
    const name = podName(set, ordinal);
    // The pod's claims come first, as upstream's CreateStatefulPod.
    try {
      await this.createClaims(set, ordinal, name);
    } catch (err) {
      this.recorder.event(this.withKind(set), 'Warning', 'FailedCreate', `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    const pod = statefulPod(set, templateOf(revision), ordinal, revision.metadata.name!, newControllerRef(set, API_VERSION, KIND));
    let created: Pod;
    try {
      created = await this.client.create<Pod>(resourcePath(R.pods, ns), pod);
    } catch (err) {
      // The cache is behind: the pod exists already.
      if (isAlreadyExists(err)) return;
      this.recorder.event(this.withKind(set), 'Warning', 'FailedCreate', `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${String(err)}`);
      throw err;
    }
    this.recorder.event(this.withKind(set), 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${set.metadata.name} successful`);
    // As much of the retention policy as the caches allow now; later syncs finish it.
    await this.applyRetention(set, created, ordinal);
  }

  private async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.client.delete(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name), { preconditions: { uid: pod.metadata.uid } });
      this.recorder.event(this.withKind(set), 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      this.recorder.event(this.withKind(set), 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${String(err)}`);
      throw err;
    }
  }

  private status(set: StatefulSet, pods: Pod[], currentRevision: string, updateRevision: string, collisionCount: number | undefined): StatefulSetStatus {
    const s = { replicas: 0, ready: 0, available: 0, current: 0, updated: 0 };
    for (const p of pods) {
      if (!p.status?.phase) continue;
      s.replicas++;
      if (isRunningAndReady(p)) s.ready++;
      if (isRunningAndReady(p) && isPodAvailable(p, set.spec?.minReadySeconds ?? 0, this.now())) s.available++;
      if (revisionOf(p) === currentRevision) s.current++;
      if (revisionOf(p) === updateRevision) s.updated++;
    }
    const status: StatefulSetStatus = {
      observedGeneration: set.metadata.generation,
      replicas: s.replicas,
      readyReplicas: s.ready,
      currentReplicas: s.current,
      updatedReplicas: s.updated,
      currentRevision,
      updateRevision,
      collisionCount: collisionCount ?? 0,
      availableReplicas: s.available,
    };
    // A finished rolling update makes the update revision current.
    const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    if (rolling && s.updated === s.replicas && s.ready === s.replicas) {
      status.currentRevision = updateRevision;
      status.currentReplicas = s.updated;
    }
    return status;
  }

  private async updateStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    await this.statusWriter.update(set, { ...set.status, ...status });
  }
}
