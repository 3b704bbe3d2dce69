// What the API server writes for itself at start-up, as upstream's bootstrap controllers: the
// system namespaces, and the `kubernetes` service (at the first service IP) with endpoints
// pointing at this server: an Endpoints object (skip-mirror) and the EndpointSlice beside it, as
// upstream's endpoint reconciler writes both (EndpointsAdapter), so service proxies reach it.
import { SYSTEM_PRIORITY_CLASSES } from '../api/scheduling/v1/types.js';
import { ApiError } from './errors.js';
import { SYSTEM_NAMESPACES } from './admission/namespace-lifecycle.js';
import type { Registry } from './registry/registry.js';
import type { ResourceStore } from './rest/resource-store.js';

const OWN = { fieldManager: 'kube-apiserver' };

/** Creates what is missing; what exists already is left as it is. */
async function createIfAbsent(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
    return false;
  }
}

export async function bootstrapNamespaces(registry: Registry, resources: ResourceStore): Promise<void> {
  const namespaces = registry.lookup('', 'v1', 'namespaces');
  if (!namespaces) return;
  for (const name of SYSTEM_NAMESPACES) {
    await createIfAbsent(() => resources.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, OWN));
  }
}

/** The system PriorityClasses, as upstream's scheduling post-start hook adds them. */
export async function bootstrapPriorityClasses(registry: Registry, resources: ResourceStore): Promise<void> {
  const classes = registry.lookup('scheduling.k8s.io', 'v1', 'priorityclasses');
  if (!classes) return;
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    const obj = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value, globalDefault: pc.globalDefault, description: pc.description };
    await createIfAbsent(() => resources.create(classes, obj, OWN));
  }
}

export interface KubernetesService {
  clusterIP: string;
  /** The port this server listens on. */
  port: number;
  /** Where other hosts reach it; without a routable address the service has no endpoints. */
  advertiseAddress?: string;
}

export async function bootstrapKubernetesService(registry: Registry, resources: ResourceStore, k: KubernetesService): Promise<void> {
  const services = registry.lookup('', 'v1', 'services');
  const endpoints = registry.lookup('', 'v1', 'endpoints');
  const slices = registry.lookup('discovery.k8s.io', 'v1', 'endpointslices');
  if (!services || !endpoints) return;
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: k.clusterIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: k.port }], sessionAffinity: 'None' },
  };
  await createIfAbsent(() => resources.create(services, service, OWN));
  // Endpoints may not point at loopback.
  if (!k.advertiseAddress) return;
  const subsets = [{ addresses: [{ ip: k.advertiseAddress }], ports: [{ name: 'https', port: k.port, protocol: 'TCP' }] }];
  const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets };
  if (!(await createIfAbsent(() => resources.create(endpoints, ep, OWN)))) {
    await resources.update(endpoints, 'default', 'kubernetes', (cur) => ({ ...cur, subsets }), OWN);
  }
  if (!slices) return;
  // Upstream's endpointSliceFromEndpoints: same name, the service-name label, no managed-by.
  const ip = k.advertiseAddress;
  const body = { addressType: ip.includes(':') ? 'IPv6' : 'IPv4', endpoints: [{ addresses: [ip], conditions: { ready: true } }], ports: [{ name: 'https', port: k.port, protocol: 'TCP' }] };
  const slice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } }, ...body };
  if (!(await createIfAbsent(() => resources.create(slices, slice, OWN)))) {
    await resources.update(slices, 'default', 'kubernetes', (cur) => ({ ...cur, ...body }), OWN);
  }
}
