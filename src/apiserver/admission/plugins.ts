// The admission chain the server runs, in upstream's order, each plugin given the registry
// entries it applies to (admission is where matching on a kind belongs).
import { objectKey, type Registry } from '../registry/registry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import { defaultTolerationSeconds, type DefaultTolerationOptions } from './default-tolerations.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { nodeRestriction } from './node-restriction.js';
import { serviceAccountAdmission } from './service-account.js';
import { DEFAULT_SERVICE_NETWORK, ServiceAllocator, serviceAllocation, type ServiceNetwork } from './service-allocation.js';

export interface AdmissionOptions {
  defaultTolerationSeconds?: DefaultTolerationOptions;
  /** ServiceAccount admission (the kube-api-access volume) runs when tokens are issued. */
  serviceAccountTokens: boolean;
  serviceNetwork?: ServiceNetwork;
}

export interface AdmissionChain {
  checks: AdmissionCheck[];
  /** Cluster IPs and node ports; the server takes the `kubernetes` service's IP from it. */
  allocator?: ServiceAllocator;
}

export function admissionChain(registry: Registry, cache: WatchCache, o: AdmissionOptions): AdmissionChain {
  const checks: AdmissionCheck[] = [];
  const namespaces = registry.lookup('', 'v1', 'namespaces');
  if (namespaces) checks.push(namespaceLifecycle(cache, namespaces));
  checks.push(nodeRestriction());
  checks.push(defaultTolerationSeconds(o.defaultTolerationSeconds));
  const serviceAccounts = registry.lookup('', 'v1', 'serviceaccounts');
  if (serviceAccounts && o.serviceAccountTokens) {
    checks.push(serviceAccountAdmission((ns, name) => cache.resource(serviceAccounts.keyPrefix).items.get(objectKey(serviceAccounts, ns, name))?.obj));
  }
  const services = registry.lookup('', 'v1', 'services');
  if (!services) return { checks };
  const allocator = new ServiceAllocator(cache, services, o.serviceNetwork ?? DEFAULT_SERVICE_NETWORK);
  checks.push(serviceAllocation(allocator, services));
  return { checks, allocator };
}
