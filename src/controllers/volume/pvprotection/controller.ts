// The PV protection controller: a volume marked for deletion keeps its kubernetes.io/pv-protection
// finalizer while it is Bound (the PV binder's phase says a claim holds it), so it is not
// removed from under its claim; volumes that predate the admission plugin get the finalizer here.
import { PV_PROTECTION_FINALIZER } from '../../../api/core/v1/storage-helpers.js';
import type { PersistentVolume } from '../../../api/core/v1/types.js';
import { isNotFound } from '../../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../../client/informer.js';
import { keyOf, R, resourcePath } from '../../../client/resources.js';
import type { ApiClient } from '../../../client/rest.js';
import { QueueController, type ControllerOptions } from '../../common/controller.js';

const hasFinalizer = (o: PersistentVolume): boolean => (o.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER);

export class PvProtectionController extends QueueController {
  private readonly volumes: Informer<PersistentVolume>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: ControllerOptions = {},
  ) {
    super('PVProtection', opts, 1, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.volumes = this.cache(factory.informerFor<PersistentVolume>(R.persistentvolumes));
    const changed = (pv: PersistentVolume) => {
      if (pv.metadata.deletionTimestamp ? hasFinalizer(pv) : !hasFinalizer(pv)) this.queue.add(keyOf(pv));
    };
    this.volumes.addHandlers({ add: changed, update: (_o, pv) => changed(pv) });
  }

  async sync(key: string): Promise<void> {
    const pv = this.volumes.get(key);
    if (!pv) return;
    if (pv.metadata.deletionTimestamp && hasFinalizer(pv)) {
      if (pv.status?.phase !== 'Bound') await this.setFinalizer(pv, false);
      return;
    }
    if (!pv.metadata.deletionTimestamp && !hasFinalizer(pv)) await this.setFinalizer(pv, true);
  }

  private async setFinalizer(pv: PersistentVolume, present: boolean): Promise<void> {
    const clone = structuredClone(pv);
    const rest = (clone.metadata.finalizers ?? []).filter((f) => f !== PV_PROTECTION_FINALIZER);
    clone.metadata.finalizers = present ? [...rest, PV_PROTECTION_FINALIZER] : rest;
    try {
      await this.client.update(resourcePath(R.persistentvolumes, undefined, pv.metadata.name), { ...clone, apiVersion: 'v1', kind: 'PersistentVolume' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
