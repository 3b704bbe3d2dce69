// The binder's writes through the API, each skipped when there is nothing to change, each
// recorded in the local cache so the next sync reads what was written (upstream's
// bindVolumeToClaim, updateVolumePhase, bindClaimToVolume, updateClaimStatus, unbindVolume,
// setClaimProvisioner).
import { ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_STORAGE_PROVISIONER, isVolumeBoundToClaim } from '../../../api/core/v1/storage-helpers.js';
import type { ObjectReference, PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1/types.js';
import { isDeepStrictEqual } from 'node:util';
import type { EventRecorder, EventType } from '../../../client/events.js';
import { R, resourcePath } from '../../../client/resources.js';
import type { ApiClient } from '../../../client/rest.js';
import type { LocalCache } from './local-cache.js';

export const PV = R.persistentvolumes;
export const PVC = R.persistentvolumeclaims;

export const withPvKind = (pv: PersistentVolume): PersistentVolume => ({ ...pv, apiVersion: 'v1', kind: 'PersistentVolume' });
export const withPvcKind = (pvc: PersistentVolumeClaim): PersistentVolumeClaim => ({ ...pvc, apiVersion: 'v1', kind: 'PersistentVolumeClaim' });

/** ref.GetReference of a claim: what a volume's claimRef holds. */
export function claimRefOf(claim: PersistentVolumeClaim): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata.namespace,
    name: claim.metadata.name,
    uid: claim.metadata.uid,
    apiVersion: 'v1',
    resourceVersion: claim.metadata.resourceVersion,
  };
}

export class BinderWrites {
  constructor(
    private readonly client: ApiClient,
    private readonly volumes: LocalCache<PersistentVolume>,
    private readonly claims: LocalCache<PersistentVolumeClaim>,
    private readonly recorder: EventRecorder,
  ) {}

  private async putVolume(pv: PersistentVolume, status: boolean): Promise<PersistentVolume> {
    const path = resourcePath(PV, undefined, pv.metadata.name, status ? 'status' : undefined);
    const updated = await this.client.update<PersistentVolume>(path, withPvKind(pv));
    this.volumes.store(updated);
    return updated;
  }

  private async putClaim(pvc: PersistentVolumeClaim, status: boolean): Promise<PersistentVolumeClaim> {
    const path = resourcePath(PVC, pvc.metadata.namespace, pvc.metadata.name, status ? 'status' : undefined);
    const updated = await this.client.update<PersistentVolumeClaim>(path, withPvcKind(pvc));
    this.claims.store(updated);
    return updated;
  }

  /** The volume's claimRef set to this claim (and bound-by-controller when it was not pre-bound to it). */
  async bindVolumeToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<PersistentVolume> {
    const clone = structuredClone(volume);
    let dirty = false;
    const ref = volume.spec?.claimRef;
    if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
      (clone.spec ??= {}).claimRef = claimRefOf(claim);
      dirty = true;
    }
    if (!isVolumeBoundToClaim(volume, claim) && clone.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
      (clone.metadata.annotations ??= {})[ANN_BOUND_BY_CONTROLLER] = 'yes';
      dirty = true;
    }
    return dirty ? this.putVolume(clone, false) : volume;
  }

  async updateVolumePhase(volume: PersistentVolume, phase: string, message = ''): Promise<PersistentVolume> {
    if (volume.status?.phase === phase) return volume;
    const clone = structuredClone(volume);
    const status = (clone.status ??= {});
    status.phase = phase;
    if (message) status.message = message;
    else delete status.message;
    return this.putVolume(clone, true);
  }

  /** updateVolumePhaseWithEvent: the event only when the phase actually changes. */
  async updateVolumePhaseWithEvent(volume: PersistentVolume, phase: string, type: EventType, reason: string, message: string): Promise<PersistentVolume> {
    if (volume.status?.phase === phase) return volume;
    const updated = await this.updateVolumePhase(volume, phase, message);
    this.recorder.event(withPvKind(updated), type, reason, message);
    return updated;
  }

  /** The claim's volumeName and the bind-completed (and bound-by-controller) annotations. */
  async bindClaimToVolume(claim: PersistentVolumeClaim, volume: PersistentVolume): Promise<PersistentVolumeClaim> {
    const clone = structuredClone(claim);
    let dirty = false;
    const annotations = (clone.metadata.annotations ??= {});
    if (claim.spec?.volumeName !== volume.metadata.name) {
      (clone.spec ??= {}).volumeName = volume.metadata.name;
      if (annotations[ANN_BOUND_BY_CONTROLLER] === undefined) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      dirty = true;
    }
    if (annotations[ANN_BIND_COMPLETED] === undefined) {
      annotations[ANN_BIND_COMPLETED] = 'yes';
      dirty = true;
    }
    return dirty ? this.putClaim(clone, false) : claim;
  }

  /**
   * The claim's phase, with the volume's access modes and (only when the claim is becoming
   * Bound) its capacity; without a volume both are cleared.
   */
  async updateClaimStatus(claim: PersistentVolumeClaim, phase: 'Pending' | 'Bound' | 'Lost', volume?: PersistentVolume): Promise<PersistentVolumeClaim> {
    const clone = structuredClone(claim);
    const status = (clone.status ??= {});
    let dirty = false;
    if (claim.status?.phase !== phase) {
      status.phase = phase;
      dirty = true;
    }
    if (!volume) {
      if (status.accessModes !== undefined) {
        delete status.accessModes;
        dirty = true;
      }
      if (status.capacity !== undefined) {
        delete status.capacity;
        dirty = true;
      }
    } else {
      if (!isDeepStrictEqual(status.accessModes, volume.spec?.accessModes)) {
        status.accessModes = volume.spec?.accessModes;
        dirty = true;
      }
      // A capacity that differs later may be deliberate (a filesystem smaller than its device): only set it on binding.
      if (claim.status?.phase !== phase) {
        const capacity = volume.spec?.capacity?.['storage'];
        if (capacity === undefined) throw new Error(`PersistentVolume "${volume.metadata.name}" is without a storage capacity`);
        if (status.capacity?.['storage'] !== capacity) {
          status.capacity = { ...volume.spec?.capacity };
          dirty = true;
        }
      }
    }
    return dirty ? this.putClaim(clone, true) : claim;
  }

  async updateClaimStatusWithEvent(claim: PersistentVolumeClaim, phase: 'Pending' | 'Bound' | 'Lost', volume: PersistentVolume | undefined, type: EventType, reason: string, message: string): Promise<PersistentVolumeClaim> {
    if (claim.status?.phase === phase) return claim;
    const updated = await this.updateClaimStatus(claim, phase, volume);
    this.recorder.event(withPvcKind(updated), type, reason, message);
    return updated;
  }

  /** Roll a binding back: the controller's own binding goes entirely; a user's pre-binding keeps its name but loses the uid. */
  async unbindVolume(volume: PersistentVolume): Promise<PersistentVolume> {
    const clone = structuredClone(volume);
    const annotations = clone.metadata.annotations ?? {};
    if (annotations[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      delete clone.spec!.claimRef;
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      if (Object.keys(annotations).length === 0) delete clone.metadata.annotations;
    } else if (clone.spec?.claimRef) {
      delete clone.spec.claimRef.uid;
    }
    const updated = await this.putVolume(clone, false);
    return this.updateVolumePhase(updated, 'Available');
  }

  /** Both provisioner annotations, so an external provisioner knows the claim is its own. */
  async setClaimProvisioner(claim: PersistentVolumeClaim, provisioner: string): Promise<PersistentVolumeClaim> {
    if (claim.metadata.annotations?.[ANN_BETA_STORAGE_PROVISIONER] === provisioner) return claim;
    const clone = structuredClone(claim);
    const annotations = (clone.metadata.annotations ??= {});
    annotations[ANN_BETA_STORAGE_PROVISIONER] = provisioner;
    annotations[ANN_STORAGE_PROVISIONER] = provisioner;
    return this.putClaim(clone, false);
  }

  /** The retroactive default class: spec.storageClassName set on a claim that named none. */
  async setClaimClass(claim: PersistentVolumeClaim, className: string): Promise<PersistentVolumeClaim> {
    const clone = structuredClone(claim);
    (clone.spec ??= {}).storageClassName = className;
    return this.putClaim(clone, false);
  }

  async deleteVolume(volume: PersistentVolume): Promise<void> {
    await this.client.delete(resourcePath(PV, undefined, volume.metadata.name), { preconditions: { uid: volume.metadata.uid } });
  }
}
