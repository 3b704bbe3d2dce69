// The PVC protection controller: a claim marked for deletion keeps its kubernetes.io/pvc-protection
// finalizer while a scheduled pod uses it (any phase, as upstream: the kubelet may still hold the
// volume), so `kubectl get pvc` shows it Terminating until the pod is gone; claims that predate
// the admission plugin get the finalizer here. "In use" is asked of the pod cache first and, when
// that says no, of a live pod list, so a pod the cache hasn't seen doesn't lose its claim.
import type { Pod } from '../../../api/core/v1/pod/types.js';
import { PVC_PROTECTION_FINALIZER } from '../../../api/core/v1/storage-helpers.js';
import type { PersistentVolumeClaim } from '../../../api/core/v1/types.js';
import type { KubeList } from '../../../api/meta/types.js';
import { isNotFound } from '../../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../../client/informer.js';
import { keyOf, R, resourcePath } from '../../../client/resources.js';
import type { ApiClient } from '../../../client/rest.js';
import { QueueController, type ControllerOptions } from '../../common/controller.js';
import { addPodPvcIndex, claimKeysOf, ephemeralClaimName, POD_PVC_INDEX } from '../common/pod-pvc-index.js';

/** A pod the kubelet is done with, or force-deleted: it no longer holds its ephemeral claims. */
const podIsShutDown = (p: Pod): boolean => !!p.metadata.deletionTimestamp && p.metadata.deletionGracePeriodSeconds === 0;

const isControlledBy = (claim: PersistentVolumeClaim, pod: Pod): boolean =>
  (claim.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === pod.metadata.uid);

/** podUsesPVC: a scheduled pod naming the claim, or owning it as one of its live ephemeral volumes. */
export function podUsesClaim(pod: Pod, claim: PersistentVolumeClaim): boolean {
  if (!pod.spec?.nodeName) return false;
  return (pod.spec.volumes ?? []).some(
    (v) => v.persistentVolumeClaim?.claimName === claim.metadata.name || (!!v.ephemeral && !podIsShutDown(pod) && ephemeralClaimName(pod, v.name) === claim.metadata.name && isControlledBy(claim, pod)),
  );
}

const hasFinalizer = (o: PersistentVolumeClaim): boolean => (o.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER);

export class PvcProtectionController extends QueueController {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly pods: Informer<Pod>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: ControllerOptions = {},
  ) {
    super('PVCProtection', opts, 1, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.claims = this.cache(factory.informerFor<PersistentVolumeClaim>(R.persistentvolumeclaims));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    addPodPvcIndex(this.pods);
    const claimChanged = (c: PersistentVolumeClaim) => {
      if (c.metadata.deletionTimestamp ? hasFinalizer(c) : !hasFinalizer(c)) this.queue.add(keyOf(c));
    };
    this.claims.addHandlers({ add: claimChanged, update: (_o, c) => claimChanged(c) });
    // A pod going away (or shutting down) may free the claims it held.
    const podChanged = (p: Pod) => {
      for (const key of claimKeysOf(p)) {
        const c = this.claims.get(key);
        if (c?.metadata.deletionTimestamp) this.queue.add(key);
      }
    };
    this.pods.addHandlers({ add: podChanged, update: (_o, p) => podChanged(p), delete: podChanged });
  }

  async sync(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (!claim) return;
    if (claim.metadata.deletionTimestamp && hasFinalizer(claim)) {
      if (!(await this.isBeingUsed(claim))) await this.setFinalizer(claim, false);
      return;
    }
    if (!claim.metadata.deletionTimestamp && !hasFinalizer(claim)) await this.setFinalizer(claim, true);
  }

  private async isBeingUsed(claim: PersistentVolumeClaim): Promise<boolean> {
    if (this.pods.byIndex(POD_PVC_INDEX, keyOf(claim)).some((p) => podUsesClaim(p, claim))) return true;
    const live = await this.client.get<KubeList<Pod>>(resourcePath(R.pods, claim.metadata.namespace));
    return live.items.some((p) => podUsesClaim(p, claim));
  }

  private async setFinalizer(claim: PersistentVolumeClaim, present: boolean): Promise<void> {
    const clone = structuredClone(claim);
    const rest = (clone.metadata.finalizers ?? []).filter((f) => f !== PVC_PROTECTION_FINALIZER);
    clone.metadata.finalizers = present ? [...rest, PVC_PROTECTION_FINALIZER] : rest;
    try {
      await this.client.update(resourcePath(R.persistentvolumeclaims, claim.metadata.namespace, claim.metadata.name), { ...clone, apiVersion: 'v1', kind: 'PersistentVolumeClaim' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
