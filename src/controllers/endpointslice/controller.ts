// The EndpointSlice controller: keeps the slices of each selector Service (labelled with the
// service name and this controller as manager, owned by the Service) equal to the desired set,
// reusing existing slices of the same port set before creating or deleting any.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node, Service } from '../../api/core/v1/types.js';
import type { EndpointSlice } from '../../api/discovery/v1/types.js';
import { isNotFound } from '../../client/errors.js';
import { labelIndex, type Informer, type SharedInformerFactory } from '../../client/informer.js';
import { R, resourcePath, splitKey } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { Expectations } from '../common/expectations.js';
import { sameJson } from '../common/canonical-json.js';
import { HEADLESS_LABEL, lastChangeTriggerTime, TRIGGER_TIME_ANNOTATION } from '../endpoints/pods.js';
import { podChangeMatters, selectsPod, servicesForPodChange } from '../endpoints/services-for-pod.js';
import { desiredSlices, MAX_ENDPOINTS_PER_SLICE, portsKey, ZONE_LABEL, type DesiredSlice } from './desired.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';

export interface EndpointSliceControllerOptions extends Omit<ControllerOptions, 'clock'> {
  maxEndpointsPerSlice?: number;
}

export class EndpointSliceController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly slices: Informer<EndpointSlice>;
  /** Slices created and not yet seen by the informer, per Service (as the ReplicaSet controller's pods). */
  private readonly expectations = new Expectations();

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    private readonly opts: EndpointSliceControllerOptions = {},
  ) {
    super('endpointslice', opts, 3, { baseDelayMs: 10, maxDelayMs: 30_000 });
    this.services = this.cache(factory.informerFor<Service>(R.services));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.nodes = this.cache(factory.informerFor<Node>(R.nodes));
    this.slices = this.cache(factory.informerFor<EndpointSlice>(R.endpointslices));
    this.slices.addIndex(labelIndex(SERVICE_NAME_LABEL));
    this.enqueueOnChange(this.services);
    this.pods.addHandlers({
      add: (p) => this.enqueueFor(undefined, p),
      update: (o, p) => podChangeMatters(o, p) && this.enqueueFor(o, p),
      delete: (p) => this.enqueueFor(undefined, p),
    });
    const ownerKey = (s: EndpointSlice) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      return svc && s.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME ? `${s.metadata.namespace}/${svc}` : undefined;
    };
    const sliceChanged = (s: EndpointSlice) => {
      const key = ownerKey(s);
      if (key) this.queue.add(key);
    };
    const sliceAdded = (s: EndpointSlice) => {
      const key = ownerKey(s);
      if (key) this.expectations.creationObserved(key);
      sliceChanged(s);
    };
    this.slices.addHandlers({ add: sliceAdded, update: (_o, s) => sliceChanged(s), delete: sliceChanged });
  }

  private enqueueFor(oldPod: Pod | undefined, pod: Pod): void {
    for (const k of servicesForPodChange(this.services, oldPod, pod)) this.queue.add(k);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(key);
    // Slices of a deleted service go with it through their owner reference.
    if (!svc || !svc.spec?.selector || svc.spec.type === 'ExternalName') return this.expectations.forget(key);
    // Until the informer has seen the slices the last sync created, a sync would create them again.
    if (!this.expectations.satisfied(key)) return;
    const addressType = svc.spec.ipFamilies?.[0] ?? 'IPv4';
    const owned = this.slices
      .byIndex(labelIndex(SERVICE_NAME_LABEL), name)
      .filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME);
    const pods = this.pods.list(namespace).filter((p) => selectsPod(svc, p));
    const zoneOf = (node: string) => this.nodes.get(node)?.metadata.labels?.[ZONE_LABEL];
    const desired = desiredSlices(svc, pods, zoneOf, this.opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE);
    const labels = sliceLabels(svc);
    const trigger = lastChangeTriggerTime(svc, pods);

    // Existing slices of the service's address type, grouped by port set, oldest name first.
    const existing = new Map<string, EndpointSlice[]>();
    const toDelete: EndpointSlice[] = [];
    for (const s of owned.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
      if (s.addressType !== addressType) {
        toDelete.push(s);
        continue;
      }
      const k = portsKey(s.ports ?? undefined);
      existing.set(k, [...(existing.get(k) ?? []), s]);
    }
    for (const [k, list] of existing) if (!desired.has(k)) toDelete.push(...list);

    const creations = [...desired].reduce((n, [k, wanted]) => n + Math.max(0, wanted.length - (existing.get(k)?.length ?? 0)), 0);
    if (creations) this.expectations.expectCreations(key, creations);
    for (const [k, wanted] of desired) {
      const have = existing.get(k) ?? [];
      for (let i = 0; i < wanted.length; i++) {
        const cur = have[i];
        if (cur) await this.updateIfChanged(cur, wanted[i]!, labels, trigger);
        else {
          await this.create(svc, addressType, wanted[i]!, labels, trigger).catch((err: unknown) => {
            this.expectations.lowerCreations(key, 1);
            throw err;
          });
        }
      }
      toDelete.push(...have.slice(wanted.length));
    }
    for (const s of toDelete) {
      try {
        await this.client.delete(resourcePath(R.endpointslices, namespace, s.metadata.name), { preconditions: { uid: s.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async create(svc: Service, addressType: string, want: DesiredSlice, labels: Record<string, string>, trigger: string | undefined): Promise<void> {
    const body: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        generateName: `${svc.metadata.name!.slice(0, 62)}-`,
        namespace: svc.metadata.namespace,
        labels,
        annotations: trigger ? { [TRIGGER_TIME_ANNOTATION]: trigger } : undefined,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      addressType,
      endpoints: want.endpoints,
      ports: want.ports,
    };
    await this.client.create(resourcePath(R.endpointslices, svc.metadata.namespace), body);
  }

  private async updateIfChanged(cur: EndpointSlice, want: DesiredSlice, labels: Record<string, string>, trigger: string | undefined): Promise<void> {
    const same =
      sameJson(cur.endpoints ?? [], want.endpoints) && sameJson(cur.ports ?? [], want.ports ?? []) && sameJson(cur.metadata.labels ?? {}, labels);
    if (same) return;
    const annotations = { ...cur.metadata.annotations };
    if (trigger) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
    const body: EndpointSlice = { ...cur, metadata: { ...cur.metadata, labels, annotations }, endpoints: want.endpoints, ports: want.ports };
    await this.client.update(resourcePath(R.endpointslices, cur.metadata.namespace, cur.metadata.name), body);
  }
}

/** The service's labels (without the reserved ones) plus the slice's own. */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (k !== SERVICE_NAME_LABEL && k !== MANAGED_BY_LABEL && k !== HEADLESS_LABEL) labels[k] = v;
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = svc.metadata.name!;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}
