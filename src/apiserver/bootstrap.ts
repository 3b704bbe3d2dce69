// What the API server writes for itself at start-up, as upstream's bootstrap controllers: the
// system namespaces, the system PriorityClasses, and the `kubernetes` service at the first service
// IP (its endpoints are the endpoint reconciler's: every live server's address).
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
}

export async function bootstrapKubernetesService(registry: Registry, resources: ResourceStore, k: KubernetesService): Promise<void> {
  const services = registry.lookup('', 'v1', 'services');
  if (!services) return;
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: k.clusterIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: k.port }], sessionAffinity: 'None' },
  };
  await createIfAbsent(() => resources.create(services, service, OWN));
}
