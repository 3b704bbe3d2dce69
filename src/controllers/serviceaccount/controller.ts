// Two per-namespace guarantees upstream keeps with separate controllers sharing one shape:
// a `default` ServiceAccount exists (the serviceaccounts controller) and the ConfigMap
// `kube-root-ca.crt` holds the cluster CA (the root-ca-cert-publisher). Both are recreated when
// deleted and the ConfigMap is corrected when edited. Keys are namespace names.
import type { ConfigMap, Namespace, ServiceAccount } from '../../api/core/v1/types.js';
import { isAlreadyExists, isForbidden } from '../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface ServiceAccountControllerOptions extends Omit<ControllerOptions, 'clock'> {
  /** The cluster CA in PEM; without it only ServiceAccounts are managed. */
  rootCaPem?: string;
  /**
   * The client the ConfigMap is written with (default: the controller's): upstream's
   * root-ca-cert-publisher is a controller of its own, with its own credentials and role.
   */
  rootCaClient?: ApiClient;
}

export class ServiceAccountController extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly serviceAccounts: Informer<ServiceAccount>;
  private readonly configMaps: Informer<ConfigMap>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    private readonly opts: ServiceAccountControllerOptions = {},
  ) {
    super('serviceaccount', opts, 2, { baseDelayMs: 20, maxDelayMs: 30_000 });
    this.namespaces = this.cache(factory.informerFor<Namespace>(R.namespaces));
    this.serviceAccounts = this.cache(factory.informerFor<ServiceAccount>(R.serviceaccounts));
    this.configMaps = this.cache(factory.informerFor<ConfigMap>(R.configmaps));
    this.namespaces.addHandlers({ add: (ns) => this.queue.add(ns.metadata.name!), update: (_o, ns) => this.queue.add(ns.metadata.name!) });
    const byNamespace = (o: { metadata: { namespace?: string } }) => o.metadata.namespace && this.queue.add(o.metadata.namespace);
    this.serviceAccounts.addHandlers({ delete: byNamespace });
    this.configMaps.addHandlers({ update: (_o, cm) => cm.metadata.name === ROOT_CA_CONFIGMAP && byNamespace(cm), delete: (cm) => cm.metadata.name === ROOT_CA_CONFIGMAP && byNamespace(cm) });
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    await this.ensureServiceAccount(namespace);
    if (this.opts.rootCaPem) await this.ensureRootCa(namespace, this.opts.rootCaPem);
  }

  private async ensureServiceAccount(namespace: string): Promise<void> {
    if (this.serviceAccounts.get(`${namespace}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } };
    try {
      await this.client.create(resourcePath(R.serviceaccounts, namespace), sa);
    } catch (err) {
      // Forbidden: the namespace is terminating and needs nothing more.
      if (!isAlreadyExists(err) && !isForbidden(err)) throw err;
    }
  }

  private async ensureRootCa(namespace: string, pem: string): Promise<void> {
    const cm = this.configMaps.get(`${namespace}/${ROOT_CA_CONFIGMAP}`);
    if (!cm) {
      const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } }, data: { 'ca.crt': pem } };
      try {
        await (this.opts.rootCaClient ?? this.client).create(resourcePath(R.configmaps, namespace), body);
      } catch (err) {
        if (!isAlreadyExists(err) && !isForbidden(err)) throw err;
      }
      return;
    }
    const data = cm.data ?? {};
    if (data['ca.crt'] === pem && Object.keys(data).length === 1 && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION] === ROOT_CA_DESCRIPTION) return;
    // Anything else in the ConfigMap is overwritten: it must hold exactly the CA.
    const next = { ...cm, metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } }, data: { 'ca.crt': pem } };
    delete (next as { binaryData?: unknown }).binaryData;
    await (this.opts.rootCaClient ?? this.client).update(resourcePath(R.configmaps, namespace, ROOT_CA_CONFIGMAP), next);
  }
}
