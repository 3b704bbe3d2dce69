// The endpoints controller: for each Service with a selector, an Endpoints object of the same
// name listing the selected pods' addresses (ready and not ready) and the ports the service
// reaches on them. Keys are service keys; sync is level-based and writes only on change.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Endpoints, Service } from '../../api/core/v1/types.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath, splitKey } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { sameJson } from '../common/canonical-json.js';
import { HEADLESS_LABEL, lastChangeTriggerTime, TRIGGER_TIME_ANNOTATION } from './pods.js';
import { podChangeMatters, selectsPod, servicesForPodChange } from './services-for-pod.js';
import { computeSubsets } from './subsets.js';
import { OVER_CAPACITY_ANNOTATION, truncateSubsets } from './truncate.js';

export type EndpointsControllerOptions = Omit<ControllerOptions, 'clock'>;

export class EndpointsController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: EndpointsControllerOptions = {},
  ) {
    super('endpoints', opts, 3, { baseDelayMs: 10, maxDelayMs: 30_000 });
    this.services = this.cache(factory.informerFor<Service>(R.services));
    this.pods = this.cache(factory.informerFor<Pod>(R.pods));
    this.endpoints = this.cache(factory.informerFor<Endpoints>(R.endpoints));
    this.enqueueOnChange(this.services);
    this.pods.addHandlers({
      add: (p) => this.enqueueFor(undefined, p),
      update: (o, p) => podChangeMatters(o, p) && this.enqueueFor(o, p),
      delete: (p) => this.enqueueFor(undefined, p),
    });
    // An Endpoints edited or deleted by someone else is put back.
    this.endpoints.addHandlers({ update: (_o, e) => this.queue.add(keyOf(e)), delete: (e) => this.queue.add(keyOf(e)) });
  }

  private enqueueFor(oldPod: Pod | undefined, pod: Pod): void {
    for (const k of servicesForPodChange(this.services, oldPod, pod)) this.queue.add(k);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(key);
    const path = resourcePath(R.endpoints, namespace, name);
    if (!svc) {
      // The service is gone: so are its endpoints.
      if (!this.endpoints.get(key)) return;
      try {
        await this.client.delete(path);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    // Services without a selector have endpoints managed by someone else.
    if (!svc.spec?.selector) return;
    const pods = this.pods.list(namespace).filter((p) => selectsPod(svc, p));
    const subsets = computeSubsets(svc, pods);
    const labels: Record<string, string> = { ...svc.metadata.labels };
    if (svc.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
    else delete labels[HEADLESS_LABEL];

    const truncated = truncateSubsets(subsets);

    const current = this.endpoints.get(key);
    const wasTruncated = current?.metadata.annotations?.[OVER_CAPACITY_ANNOTATION] === 'truncated';
    if (current && sameJson(current.subsets ?? [], subsets) && sameJson(current.metadata.labels ?? {}, labels) && wasTruncated === truncated) return;
    const annotations: Record<string, string> = { ...current?.metadata.annotations };
    if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    const trigger = lastChangeTriggerTime(svc, pods);
    if (trigger) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
    const body: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...current?.metadata, name, namespace, labels, annotations },
      subsets,
    };
    if (current) await this.client.update(path, body);
    else await this.client.create(resourcePath(R.endpoints, namespace), body);
  }
}
