// The PersistentVolume controller (upstream's persistentvolume binder): binds claims to volumes
// and keeps both phases true, asks provisioners for volumes, and reclaims released volumes by
// their policy. Two queues, claims and volumes, one worker each as upstream (a claim sync is not
// reentrant: two at once could give one volume to two claims); every object is also re-synced
// each period, which is what retries a Pending claim. The binding is two pointers written in
// order, volume.spec.claimRef then claim.spec.volumeName, each sync reading which of them exist.
import type { Pod } from '../../../api/core/v1/pod/types.js';
import {
  ANN_BOUND_BY_CONTROLLER,
  ANN_BIND_COMPLETED,
  ANN_DYNAMICALLY_PROVISIONED,
  claimClass,
  claimHasClass,
  isDelayBindingProvisioning,
  isVolumeBoundToClaim,
  volumeModeMismatch,
} from '../../../api/core/v1/storage-helpers.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1/types.js';
import { accessModesKey, findBestMatchForClaim } from '../../../api/core/v1/volume-matching.js';
import { defaultStorageClassOf } from '../../../api/storage/v1/default-class.js';
import type { StorageClass } from '../../../api/storage/v1/types.js';
import { isNotFound } from '../../../client/errors.js';
import { EventRecorder } from '../../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../../client/informer.js';
import { keyOf, R, resourcePath } from '../../../client/resources.js';
import type { ApiClient } from '../../../client/rest.js';
import type { WorkQueue } from '../../../client/workqueue.js';
import { Controller, type ControllerOptions } from '../../common/controller.js';
import { addPodPvcIndex, POD_PVC_INDEX } from '../common/pod-pvc-index.js';
import { checkVolumeSatisfiesClaim } from './satisfies.js';
import { LocalCache } from './local-cache.js';
import { reclaimAction } from './reclaim.js';
import { BinderWrites, PV, PVC, withPvcKind, withPvKind } from './writes.js';

export interface PersistentVolumeControllerOptions extends ControllerOptions {
  /** --pvclaimbinder-sync-period: how often every claim and volume is synced again (default 15 s). */
  resyncMs?: number;
}

const ACCESS_MODES_INDEX = 'accessModes';
const isTerminatedPod = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class PersistentVolumeController extends Controller {
  private readonly volumeInformer: Informer<PersistentVolume>;
  private readonly claimInformer: Informer<PersistentVolumeClaim>;
  private readonly classes: Informer<StorageClass>;
  private readonly pods: Informer<Pod>;
  private readonly volumes: LocalCache<PersistentVolume>;
  private readonly claims: LocalCache<PersistentVolumeClaim>;
  private readonly claimQueue: WorkQueue;
  private readonly volumeQueue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly writes: BinderWrites;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: PersistentVolumeControllerOptions = {},
  ) {
    super(opts);
    this.recorder = new EventRecorder(client, 'persistentvolume-controller');
    this.volumeInformer = this.cache(factory.informerFor<PersistentVolume>(PV));
    this.claimInformer = this.cache(factory.informerFor<PersistentVolumeClaim>(PVC));
    this.classes = this.cache(factory.informerFor<StorageClass>(R.storageclasses));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.volumeInformer.addIndex(ACCESS_MODES_INDEX, (pv) => [accessModesKey(pv.spec?.accessModes)]);
    addPodPvcIndex(this.pods);
    this.volumes = new LocalCache(this.volumeInformer);
    this.claims = new LocalCache(this.claimInformer);
    this.writes = new BinderWrites(client, this.volumes, this.claims, this.recorder);
    const queueOpts = { baseDelayMs: 5, maxDelayMs: 5 * 60_000 };
    this.claimQueue = this.addQueue('PersistentVolumeClaim', 1, (key) => this.syncClaimKey(key), queueOpts);
    this.volumeQueue = this.addQueue('PersistentVolume', 1, (key) => this.syncVolumeKey(key), queueOpts);
    this.volumeInformer.addHandlers({
      add: (pv) => this.volumeQueue.add(keyOf(pv)),
      update: (_o, pv) => this.volumeQueue.add(keyOf(pv)),
      // A deleted volume's claim has lost it (or its provisioning finished badly): look again.
      delete: (pv) => {
        const ref = pv.spec?.claimRef;
        if (ref?.name) this.claimQueue.add(`${ref.namespace ?? ''}/${ref.name}`);
      },
    });
    this.claimInformer.addHandlers({
      add: (c) => this.claimQueue.add(keyOf(c)),
      update: (_o, c) => this.claimQueue.add(keyOf(c)),
      // A deleted claim releases its volume.
      delete: (c) => {
        if (c.spec?.volumeName) this.volumeQueue.add(c.spec.volumeName);
      },
    });
    // Not upstream (which waits for the resync): a new default class reaches unbound claims at once.
    this.classes.addHandlers({
      add: () => {
        for (const c of this.claimInformer.list()) if (!c.metadata.annotations?.[ANN_BIND_COMPLETED]) this.claimQueue.add(keyOf(c));
      },
    });
    this.every(opts.resyncMs ?? 15_000, () => {
      for (const c of this.claimInformer.list()) this.claimQueue.add(keyOf(c));
      for (const v of this.volumeInformer.list()) this.volumeQueue.add(keyOf(v));
    });
  }

  private classNamed(name: string): StorageClass | undefined {
    return this.classes.get(name);
  }

  /** IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer. */
  private isDelayBinding(claim: PersistentVolumeClaim): boolean {
    const name = claimClass(claim);
    if (!name) return false;
    return this.classNamed(name)?.volumeBindingMode === 'WaitForFirstConsumer';
  }

  // ---- claims -----------------------------------------------------------------------------

  async syncClaimKey(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (!claim) return;
    await this.syncClaim(claim);
  }

  async syncClaim(claim: PersistentVolumeClaim): Promise<void> {
    if (claim.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) await this.syncUnboundClaim(claim);
    else await this.syncBoundClaim(claim);
  }

  /** The volumes grouped by access-mode set, each at its newest known version. */
  private volumesByModes(): Map<string, PersistentVolume[]> {
    const out = new Map<string, PersistentVolume[]>();
    for (const pv of this.volumeInformer.list()) {
      const latest = this.volumes.latest(pv);
      const key = accessModesKey(latest.spec?.accessModes);
      let group = out.get(key);
      if (!group) out.set(key, (group = []));
      group.push(latest);
    }
    return out;
  }

  private async syncUnboundClaim(claim: PersistentVolumeClaim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      const delayBinding = this.isDelayBinding(claim);
      const volume = findBestMatchForClaim(claim, this.volumesByModes(), delayBinding);
      if (volume) {
        await this.bind(volume, claim);
        return;
      }
      // No volume: first a default class, if the claim named none and one exists now (retroactive assignment).
      if (!claimHasClass(claim)) {
        const def = defaultStorageClassOf(this.classes.list());
        if (def?.metadata.name) {
          await this.writes.setClaimClass(claim, def.metadata.name);
          return; // the update brings the claim back through the queue
        }
      }
      if (delayBinding && !isDelayBindingProvisioning(claim)) {
        this.emitWaitForFirstConsumer(claim);
      } else if (claimClass(claim) !== '') {
        await this.provisionClaim(claim);
        return;
      } else {
        this.recorder.event(withPvcKind(claim), 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      }
      await this.writes.updateClaimStatus(claim, 'Pending');
      return;
    }
    // The user asked for a specific volume.
    const volume = this.volumes.get(volumeName);
    if (!volume) {
      await this.writes.updateClaimStatus(claim, 'Pending');
      return;
    }
    if (!volume.spec?.claimRef) {
      const mismatch = checkVolumeSatisfiesClaim(volume, claim);
      if (mismatch) {
        this.recorder.event(withPvcKind(claim), 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volume.metadata.name}": ${mismatch}`);
        await this.writes.updateClaimStatus(claim, 'Pending');
        return;
      }
      await this.bind(volume, claim);
      return;
    }
    if (isVolumeBoundToClaim(volume, claim)) {
      // Pre-bound both ways, or our own binding half-written: finish it.
      await this.bind(volume, claim);
      return;
    }
    this.recorder.event(withPvcKind(claim), 'Warning', 'FailedBinding', `volume "${volume.metadata.name}" already bound to a different claim.`);
    if (claim.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
      // The user asked for a volume someone else holds: wait for it.
      await this.writes.updateClaimStatus(claim, 'Pending');
      return;
    }
    const ref = volume.spec.claimRef;
    throw new Error(`invalid binding of claim "${keyOf(claim)}" to volume "${volumeName}": volume already claimed by "${ref.namespace}/${ref.name}"`);
  }

  private async syncBoundClaim(claim: PersistentVolumeClaim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      await this.writes.updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const volume = this.volumes.get(volumeName);
    if (!volume) {
      await this.writes.updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid === claim.metadata.uid) {
      // Unbound volume (or one not yet seen bound), or all is well: bind() writes only what is missing.
      await this.bind(volume, claim);
      return;
    }
    await this.writes.updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  /** Both pointers and both phases, volume first; stops at the first failed write (the next sync finishes). */
  private async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    let v = await this.writes.bindVolumeToClaim(volume, claim);
    v = await this.writes.updateVolumePhase(v, 'Bound');
    const c = await this.writes.bindClaimToVolume(claim, v);
    await this.writes.updateClaimStatus(c, 'Bound', v);
  }

  /** WaitForFirstConsumer, or WaitForPodScheduled when pods using the claim are not yet scheduled. */
  private emitWaitForFirstConsumer(claim: PersistentVolumeClaim): void {
    const unscheduled = this.pods
      .byIndex(POD_PVC_INDEX, keyOf(claim))
      .filter((p) => !isTerminatedPod(p) && !p.spec?.nodeName)
      .map((p) => p.metadata.name ?? '');
    let reason = 'WaitForFirstConsumer';
    let message = 'waiting for first consumer to be created before binding';
    if (unscheduled.length > 0) {
      reason = 'WaitForPodScheduled';
      message = unscheduled.length > 1 ? `waiting for pods ${unscheduled.join(',')} to be scheduled` : `waiting for pod ${unscheduled[0]} to be scheduled`;
    }
    this.recorder.event(withPvcKind(claim), 'Normal', reason, message);
  }

  /**
   * provisionClaim: k8ts has no in-tree provisioners, so a class's provisioner is either external
   * (the claim is annotated for it and we wait for its PV) or a kubernetes.io/ plugin that does
   * not exist here (upstream's "no volume plugin matched").
   */
  private async provisionClaim(claim: PersistentVolumeClaim): Promise<void> {
    const className = claimClass(claim);
    const sc = this.classNamed(className);
    if (!sc) {
      this.recorder.event(withPvcKind(claim), 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner = sc.provisioner;
    if (provisioner.startsWith('kubernetes.io/')) {
      this.recorder.event(withPvcKind(claim), 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${provisioner}`);
      return;
    }
    let updated: PersistentVolumeClaim;
    try {
      updated = await this.writes.setClaimProvisioner(claim, provisioner);
    } catch (err) {
      this.recorder.event(withPvcKind(claim), 'Warning', 'ProvisioningFailed', `Error saving claim: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    this.recorder.event(
      withPvcKind(updated),
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  // ---- volumes ----------------------------------------------------------------------------

  async syncVolumeKey(key: string): Promise<void> {
    const volume = this.volumes.get(key);
    if (!volume) return;
    await this.syncVolume(volume);
  }

  /** The claim a volume's claimRef names, by name; double-checked with the API before a volume is released. */
  private async claimOf(volume: PersistentVolume): Promise<PersistentVolumeClaim | undefined> {
    const ref = volume.spec!.claimRef!;
    const key = `${ref.namespace ?? ''}/${ref.name ?? ''}`;
    let claim = this.claims.get(key);
    const phase = volume.status?.phase;
    if (!claim && phase !== 'Released' && phase !== 'Failed') {
      // A claim the cache hasn't seen yet (a provisioner's fresh binding) must not release its volume.
      claim = await this.getClaim(ref.namespace, ref.name);
    }
    if (claim && claim.metadata.uid !== ref.uid) {
      // Maybe the cache is behind: another claim of the same name, or ours not yet seen.
      claim = await this.getClaim(ref.namespace, ref.name);
      if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
    }
    return claim;
  }

  private async getClaim(namespace: string | undefined, name: string | undefined): Promise<PersistentVolumeClaim | undefined> {
    try {
      return await this.client.get<PersistentVolumeClaim>(resourcePath(PVC, namespace, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async syncVolume(volume: PersistentVolume): Promise<void> {
    const ref = volume.spec?.claimRef;
    if (!ref) {
      await this.writes.updateVolumePhase(volume, 'Available');
      return;
    }
    if (!ref.uid) {
      // Reserved for a claim (pre-bound) that has not bound it yet: the claim's sync does that.
      await this.writes.updateVolumePhase(volume, 'Available');
      return;
    }
    const claim = await this.claimOf(volume);
    if (!claim) {
      // The claim is gone: the volume is released and its reclaim policy runs. Failed stays Failed (the user should see it) while reclaiming retries.
      let v = volume;
      if (v.status?.phase !== 'Released' && v.status?.phase !== 'Failed') v = await this.writes.updateVolumePhase(v, 'Released');
      await this.reclaim(v);
      return;
    }
    if (!claim.spec?.volumeName) {
      if (volumeModeMismatch(claim.spec, volume.spec)) {
        this.recorder.event(withPvKind(volume), 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name}" due to incompatible volumeMode.`);
        this.recorder.event(withPvcKind(claim), 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${volume.metadata.name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
        return;
      }
      // Bound on the volume's side only (a provisioner's new volume, or our binding half-written): the claim's sync finishes it.
      this.claimQueue.add(keyOf(claim));
      return;
    }
    if (claim.spec.volumeName === volume.metadata.name) {
      await this.writes.updateVolumePhase(volume, 'Bound');
      return;
    }
    // The claim is bound to another volume.
    if (volume.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      // Provisioned for this claim, which got another volume: not needed any more.
      let v = volume;
      if (v.status?.phase !== 'Released' && v.status?.phase !== 'Failed') v = await this.writes.updateVolumePhase(v, 'Released');
      await this.reclaim(v);
      return;
    }
    // Our own binding that lost the race is undone; a user's pre-binding keeps its claim name, losing only the uid.
    await this.writes.unbindVolume(volume);
  }

  /** isVolumeReleased, on a fresh read: bound to a claim that no longer exists or took another volume. */
  private async stillReleased(volume: PersistentVolume): Promise<PersistentVolume | undefined> {
    let fresh: PersistentVolume;
    try {
      fresh = await this.client.get<PersistentVolume>(resourcePath(PV, undefined, volume.metadata.name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const ref = fresh.spec?.claimRef;
    if (!ref?.uid) return undefined;
    const claim = this.claims.get(`${ref.namespace ?? ''}/${ref.name ?? ''}`);
    if (claim && claim.metadata.uid === ref.uid && (!claim.spec?.volumeName || claim.spec.volumeName === fresh.metadata.name)) return undefined;
    return fresh;
  }

  private async reclaim(volume: PersistentVolume): Promise<void> {
    const action = reclaimAction(volume);
    switch (action.kind) {
      case 'retain':
      case 'external':
        return;
      case 'fail':
        if (action.reason === 'VolumeFailedRecycle' || action.reason === 'VolumeFailedDelete') {
          const fresh = await this.stillReleased(volume);
          if (!fresh) return;
          await this.writes.updateVolumePhaseWithEvent(this.volumes.latest(fresh), 'Failed', 'Warning', action.reason, action.message);
          return;
        }
        await this.writes.updateVolumePhaseWithEvent(volume, 'Failed', 'Warning', action.reason, action.message);
        return;
      case 'delete': {
        const fresh = await this.stillReleased(volume);
        if (!fresh) return;
        try {
          await this.writes.deleteVolume(fresh);
        } catch (err) {
          // Already gone (or replaced): nothing to delete; other failures are retried by the next sync.
          if (!isNotFound(err)) this.log(`PersistentVolume ${volume.metadata.name}: delete failed: ${String(err)}`);
        }
        return;
      }
    }
  }

  /** For tests and shutdown: every Event recorded so far has been written. */
  flushEvents(): Promise<unknown> {
    return this.recorder.flush();
  }
}
