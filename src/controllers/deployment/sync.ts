// One sync of one deployment: the state it works on (a private copy of the deployment and its
// ReplicaSets, refreshed with every write's answer so later steps don't write stale objects)
// and the steps every strategy shares: finding or creating the new ReplicaSet, scaling one with
// its event, proportional scaling, history cleanup, and the status writes.
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { errorMessage, hasCause, isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { EventRecorder } from '../../client/events.js';
import { R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { controllerOf, newControllerRef } from '../common/controller-ref.js';
import { StatusWriter } from '../common/status-writer.js';
import { setNewReplicaSetAnnotations, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations.js';
import { computeHash } from '../common/template-hash.js';
import {
  byRevision,
  bySizeNewer,
  bySizeOlder,
  equalIgnoreHash,
  filterActive,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  newRSNewReplicas,
  POD_TEMPLATE_HASH_LABEL,
  replicaCount,
  replicaSetProportion,
  REVISION_ANNOTATION,
  specReplicas,
} from './replicas.js';
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  PROGRESSING,
  Reason,
  REPLICA_FAILURE,
  removeCondition,
  replicaFailureOf,
  setCondition,
  statusEqual,
} from './status.js';

export interface SyncDeps {
  client: ApiClient;
  recorder: EventRecorder;
  now(): number;
  /** Look at this deployment again after `ms` (0: soon, with backoff). */
  requeue(key: string, ms: number): void;
}

export class DeploymentSync {
  private readonly statusWriter: StatusWriter<Deployment>;

  constructor(
    readonly deps: SyncDeps,
    public d: Deployment,
    public rsList: ReplicaSet[],
  ) {
    this.d = { ...d, apiVersion: 'apps/v1', kind: 'Deployment' };
    this.statusWriter = new StatusWriter(deps.client, R.deployments, 'apps/v1', 'Deployment');
  }

  get key(): string {
    return `${this.d.metadata.namespace}/${this.d.metadata.name}`;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.recorder.event(this.d as KubeObject, type, reason, message);
  }

  /** Replace our copy of an RS with what the API answered. */
  private remember(rs: ReplicaSet): ReplicaSet {
    const i = this.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.rsList[i] = rs;
    else this.rsList.push(rs);
    return rs;
  }

  async writeStatus(): Promise<void> {
    const written = await this.statusWriter.put(this.d);
    if (written) this.d = { ...written, apiVersion: 'apps/v1', kind: 'Deployment' };
  }

  /**
   * Record the revision on the deployment; true when it changed. As upstream, it travels with
   * the next status write (a status update may change annotations; a spec update of them would
   * bump the generation).
   */
  private setDeploymentRevision(revision: string): boolean {
    const a = (this.d.metadata.annotations ??= {});
    if (a[REVISION_ANNOTATION] === revision) return false;
    a[REVISION_ANNOTATION] = revision;
    return true;
  }

  // ---- the new ReplicaSet -------------------------------------------------------------------

  /** The new RS (created when asked and missing) and the old ones, with revisions brought up to date. */
  async newAndOld(create: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    const oldRSs = findOldReplicaSets(this.d, this.rsList);
    const newRS = await this.getNewReplicaSet(oldRSs, create);
    return { newRS, oldRSs: findOldReplicaSets(this.d, this.rsList).filter((rs) => rs.metadata.uid !== newRS?.metadata.uid) };
  }

  private async getNewReplicaSet(oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const existing = findNewReplicaSet(this.d, this.rsList);
    const newRevision = String(maxRevision(oldRSs) + 1);
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(this.d, copy, newRevision, true);
      const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (this.d.spec?.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyChanged) {
        copy.spec = { ...copy.spec, minReadySeconds: this.d.spec?.minReadySeconds ?? 0 };
        return this.remember(await this.deps.client.update<ReplicaSet>(resourcePath(R.replicasets, copy.metadata.namespace, copy.metadata.name), { ...copy, apiVersion: 'apps/v1', kind: 'ReplicaSet' }));
      }
      let needsUpdate = this.setDeploymentRevision(copy.metadata.annotations?.[REVISION_ANNOTATION] ?? newRevision);
      if (hasProgressDeadline(this.d) && !getCondition(this.d.status, PROGRESSING)) {
        setCondition((this.d.status ??= {}), newCondition(PROGRESSING, 'True', Reason.FoundNewRS, `Found new replica set "${copy.metadata.name}"`, this.deps.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus();
      return copy;
    }
    if (!create) return undefined;
    return this.createNewReplicaSet(oldRSs, newRevision);
  }

  private async createNewReplicaSet(oldRSs: ReplicaSet[], newRevision: string): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const template = structuredClone(d.spec?.template ?? {});
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.spec!.replicas = replicas;
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.deps.client.create<ReplicaSet>(resourcePath(R.replicasets, d.metadata.namespace), rs);
    } catch (err) {
      if (isAlreadyExists(err)) {
        const found = await this.deps.client.get<ReplicaSet>(resourcePath(R.replicasets, d.metadata.namespace, rs.metadata.name));
        if (controllerOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
          created = found;
          alreadyExisted = true;
        } else {
          // Another template hashed to the same name: bump the collision count and try again.
          (this.d.status ??= {}).collisionCount = (this.d.status.collisionCount ?? 0) + 1;
          await this.writeStatus();
          throw err;
        }
      } else if (hasCause(err, 'NamespaceTerminating')) {
        throw err;
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(err)}`;
        if (hasProgressDeadline(d)) {
          setCondition((this.d.status ??= {}), newCondition(PROGRESSING, 'False', Reason.FailedRSCreate, msg, this.deps.now()));
          await this.writeStatus().catch(() => undefined);
        }
        this.event('Warning', Reason.FailedRSCreate, msg);
        throw err;
      }
    }
    this.remember(created);
    if (!alreadyExisted && replicas > 0) this.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${replicas} from 0`);
    let needsUpdate = this.setDeploymentRevision(newRevision);
    if (!alreadyExisted && hasProgressDeadline(this.d)) {
      setCondition((this.d.status ??= {}), newCondition(PROGRESSING, 'True', Reason.NewRSCreated, `Created new replica set "${created.metadata.name}"`, this.deps.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus();
    return created;
  }

  // ---- scaling --------------------------------------------------------------------------------

  /** Scale one RS with a ScalingReplicaSet event; returns whether its size changed and the RS now. */
  async scaleAndRecord(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (specReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, specReplicas(rs) < newScale ? 'up' : 'down');
  }

  async scaleReplicaSet(rs: ReplicaSet, newScale: number, operation: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const desired = specReplicas(this.d);
    const max = desired + maxSurge(this.d);
    const sizeChanged = specReplicas(rs) !== newScale;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const oldScale = specReplicas(rs);
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec, replicas: newScale };
    setReplicasAnnotations(copy, desired, max);
    const updated = this.remember(await this.deps.client.update<ReplicaSet>(resourcePath(R.replicasets, copy.metadata.namespace, copy.metadata.name), { ...copy, apiVersion: 'apps/v1', kind: 'ReplicaSet' }));
    if (sizeChanged) this.event('Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} to ${newScale} from ${oldScale}`);
    return { scaled: sizeChanged, rs: updated };
  }

  /**
   * Scale for a changed replica count (or while paused): one active RS takes the whole count;
   * otherwise a rolling deployment spreads the difference over its RSs in proportion to size.
   */
  async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const desired = specReplicas(this.d);
    const single = findActiveOrLatest(newRS, oldRSs);
    if (single) {
      if (specReplicas(single) !== desired) await this.scaleAndRecord(single, desired);
      return;
    }
    if (isSaturated(this.d, newRS)) {
      for (const old of filterActive(oldRSs)) await this.scaleAndRecord(old, 0);
      return;
    }
    if (!isRollingUpdate(this.d)) return;
    const all = filterActive([...oldRSs, newRS]);
    const allowed = desired > 0 ? desired + maxSurge(this.d) : 0;
    const toAdd = allowed - replicaCount(all);
    let operation = '';
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      operation = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = replicaSetProportion(rs, this.d, toAdd, added);
        sizes.set(rs.metadata.name!, specReplicas(rs) + p);
        added += p;
      } else sizes.set(rs.metadata.name!, specReplicas(rs));
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i]!;
      // Leftovers go to the largest RS.
      if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name!, Math.max(0, sizes.get(rs.metadata.name!)! + toAdd - added));
      await this.scaleReplicaSet(rs, sizes.get(rs.metadata.name!)!, operation);
    }
  }

  /** Delete the oldest fully scaled-down RSs beyond revisionHistoryLimit. */
  async cleanup(oldRSs: ReplicaSet[]): Promise<void> {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
    const diff = cleanable.length - limit;
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i]!;
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.deps.client.delete(resourcePath(R.replicasets, rs.metadata.namespace, rs.metadata.name));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // ---- status -------------------------------------------------------------------------------

  /** Counts and Available only (scaling, pausing, deletion). */
  async syncStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const next = calculateStatus(allRSs, newRS, this.d, this.deps.now());
    if (statusEqual(this.d.status, next)) return;
    this.d.status = next;
    await this.writeStatus();
  }

  /** Counts, Available, and the Progressing condition of a rollout in flight (upstream's syncRolloutStatus). */
  async syncRolloutStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const d = this.d;
    const now = this.deps.now();
    const next = calculateStatus(allRSs, newRS, d, now);
    if (!hasProgressDeadline(d)) removeCondition(next, PROGRESSING);
    const current = getCondition(d.status, PROGRESSING);
    const complete = next.replicas === next.updatedReplicas && current?.reason === Reason.NewRSAvailable;
    if (hasProgressDeadline(d) && !complete) {
      const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
      if (deploymentComplete(d, next)) {
        setCondition(next, newCondition(PROGRESSING, 'True', Reason.NewRSAvailable, `${subject} has successfully progressed.`, now));
      } else if (deploymentProgressing(d, next)) {
        let cond = newCondition(PROGRESSING, 'True', Reason.RSUpdated, `${subject} is progressing.`, now);
        // Progress refreshes lastUpdateTime even when the reason stays the same.
        if (current) {
          if (current.status === 'True') cond = { ...cond, lastTransitionTime: current.lastTransitionTime };
          removeCondition(next, PROGRESSING);
        }
        setCondition(next, cond);
      } else if (deploymentTimedOut(d, next, now)) {
        setCondition(next, newCondition(PROGRESSING, 'False', Reason.TimedOut, `${subject} has timed out progressing.`, now));
      }
    }
    const failure = replicaFailureOf(allRSs, newRS);
    if (failure) setCondition(next, failure);
    else removeCondition(next, REPLICA_FAILURE);
    if (statusEqual(d.status, next)) {
      this.requeueIfStuck(next);
      return;
    }
    this.d.status = next;
    await this.writeStatus();
  }

  /** Without progress, nothing would wake us when the deadline passes: schedule that check. */
  private requeueIfStuck(next: NonNullable<Deployment['status']>): void {
    const d = this.d;
    const cond = getCondition(d.status, PROGRESSING);
    if (!hasProgressDeadline(d) || !cond) return;
    if (deploymentComplete(d, next) || cond.reason === Reason.TimedOut) return;
    const after = Date.parse(cond.lastUpdateTime ?? '') + (d.spec!.progressDeadlineSeconds ?? 0) * 1000 - this.deps.now();
    if (!Number.isFinite(after)) return;
    if (after < 1000) this.deps.requeue(this.key, 0);
    else this.deps.requeue(this.key, after + 1000);
  }

  /** Progressing becomes Unknown/DeploymentPaused on pause and Unknown/DeploymentResumed on resume. */
  async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, PROGRESSING);
    if (cond?.reason === Reason.TimedOut) return;
    const pausedCond = cond?.reason === Reason.Paused;
    const now = this.deps.now();
    if (d.spec?.paused && !pausedCond) {
      setCondition((d.status ??= {}), newCondition(PROGRESSING, 'Unknown', Reason.Paused, 'Deployment is paused', now));
    } else if (!d.spec?.paused && pausedCond) {
      setCondition((d.status ??= {}), newCondition(PROGRESSING, 'Unknown', Reason.Resumed, 'Deployment is resumed', now));
    } else return;
    await this.writeStatus();
  }
}
