// The ephemeral volume controller: for each `ephemeral` volume of a pod, the claim `<pod>-<volume>`
// from its volumeClaimTemplate, owned (controller) by the pod so the garbage collector removes it
// with the pod. A claim of that name not owned by the pod is an error, reported on the pod.
import type { Pod, Volume } from '../../../api/core/v1/pod/types.js';
import type { PersistentVolumeClaim } from '../../../api/core/v1/types.js';
import { isAlreadyExists } from '../../../client/errors.js';
import { EventRecorder } from '../../../client/events.js';
import type { Informer, SharedInformerFactory } from '../../../client/informer.js';
import { keyOf, R, resourcePath } from '../../../client/resources.js';
import type { ApiClient } from '../../../client/rest.js';
import { QueueController, type ControllerOptions } from '../../common/controller.js';
import { addPodPvcIndex, ephemeralClaimName, POD_PVC_INDEX } from '../common/pod-pvc-index.js';

const hasEphemeral = (p: Pod): boolean => (p.spec?.volumes ?? []).some((v) => !!v.ephemeral);

export class EphemeralVolumeController extends QueueController {
  private readonly pods: Informer<Pod>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: ControllerOptions = {},
  ) {
    super('EphemeralVolume', opts, 1, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.recorder = new EventRecorder(client, 'ephemeral_volume');
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.claims = this.cache(factory.informerFor<PersistentVolumeClaim>(R.persistentvolumeclaims));
    addPodPvcIndex(this.pods);
    this.pods.addHandlers({
      add: (p) => {
        if (hasEphemeral(p)) this.queue.add(keyOf(p));
      },
    });
    // A deleted claim may have to be re-created for a pod still running.
    this.claims.addHandlers({
      delete: (c) => {
        for (const p of this.pods.byIndex(POD_PVC_INDEX, keyOf(c))) if (hasEphemeral(p)) this.queue.add(keyOf(p));
      },
    });
  }

  async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp) return;
    for (const v of pod.spec?.volumes ?? []) {
      try {
        await this.handleVolume(pod, v);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        this.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'FailedBinding', `ephemeral volume ${v.name}: ${why}`);
        throw new Error(`pod ${key}, ephemeral volume ${v.name}: ${why}`);
      }
    }
  }

  private async handleVolume(pod: Pod, v: Volume): Promise<void> {
    if (!v.ephemeral) return;
    const ns = pod.metadata.namespace!;
    const name = ephemeralClaimName(pod, v.name);
    const existing = this.claims.get(`${ns}/${name}`);
    if (existing) {
      const owned = (existing.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === pod.metadata.uid);
      if (!owned) throw new Error(`PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
      return;
    }
    const template: NonNullable<typeof v.ephemeral.volumeClaimTemplate> = v.ephemeral.volumeClaimTemplate ?? { spec: {} };
    const claim: PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name,
        namespace: ns,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
      },
      spec: structuredClone(template.spec ?? {}) as PersistentVolumeClaim['spec'],
    };
    try {
      await this.client.create(resourcePath(R.persistentvolumeclaims, ns), claim);
    } catch (err) {
      // The cache is behind: the claim exists; the next sync checks its owner.
      if (isAlreadyExists(err)) return;
      throw new Error(`create PVC ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
