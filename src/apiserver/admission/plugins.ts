// The admission chain the server runs, in upstream's order, each plugin given the registry
// entries it applies to (admission is where matching on a kind belongs).
import { objectKey, type Registry } from '../registry/registry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';
import { certificateSubjectRestriction } from './certificates.js';
import { denyServiceExternalIPs } from './deny-external-ips.js';
import { defaultIngressClass } from './default-ingress-class.js';
import { defaultTolerationSeconds, type DefaultTolerationOptions } from './default-tolerations.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { nodeRestriction } from './node-restriction.js';
import { serviceAccountAdmission } from './service-account.js';
import { validatingAdmissionPolicy } from './validating-policy/plugin.js';
import { DEFAULT_SERVICE_NETWORK, ServiceAllocator, serviceAllocation, type ServiceNetwork } from './service-allocation.js';
import { alwaysPullImages } from './always-pull-images.js';
import { limitRanger } from './limit-ranger.js';
import { DEFAULT_ON_ADMISSION_PLUGINS } from './plugin-names.js';
import { podSecurityAdmission } from './pod-security/admission.js';
import { priorityAdmission } from './priority.js';
import { resourceQuotaAdmission } from './resource-quota.js';
import { defaultStorageClassAdmission } from './default-storage-class.js';
import { pvcResizeAdmission } from './pvc-resize.js';
import { storageObjectInUseProtection } from './storage-object-in-use-protection.js';
import { mutatingAdmissionWebhook, validatingAdmissionWebhook } from './webhook/dispatch.js';
import { cachedServiceLookup } from '../aggregator/resolve.js';
import { WebhookClient } from '../webhook/client.js';

export interface AdmissionOptions {
  defaultTolerationSeconds?: DefaultTolerationOptions;
  /** ServiceAccount admission (the kube-api-access volume) runs when tokens are issued. */
  serviceAccountTokens: boolean;
  serviceNetwork?: ServiceNetwork;
  /** Skip DenyServiceExternalIPs (which k8ts runs by default): Services may set spec.externalIPs. */
  allowServiceExternalIPs?: boolean;
  /** The plugins that run (upstream names, from --enable/--disable-admission-plugins); default: upstream's default-on set. */
  enabledPlugins?: ReadonlySet<string>;
  /** How admission webhooks are called (shared with CRD conversion); one reading the watch cache by default. */
  webhookClient?: WebhookClient;
}

export interface AdmissionChain {
  checks: AdmissionCheck[];
  /** Cluster IPs and node ports; the server takes the `kubernetes` service's IP from it. */
  allocator?: ServiceAllocator;
}

export function admissionChain(registry: Registry, cache: WatchCache, o: AdmissionOptions): AdmissionChain {
  const checks: AdmissionCheck[] = [];
  const enabled = o.enabledPlugins ?? new Set(DEFAULT_ON_ADMISSION_PLUGINS);
  const on = (name: string) => enabled.has(name);
  const namespaces = registry.lookup('', 'v1', 'namespaces');
  if (namespaces && on('NamespaceLifecycle')) checks.push(namespaceLifecycle(cache, namespaces));
  const limitRanges = registry.lookup('', 'v1', 'limitranges');
  if (limitRanges && on('LimitRanger')) checks.push(limitRanger(cache, limitRanges));
  const serviceAccounts = registry.lookup('', 'v1', 'serviceaccounts');
  if (serviceAccounts && o.serviceAccountTokens && on('ServiceAccount')) {
    checks.push(serviceAccountAdmission((ns, name) => cache.resource(serviceAccounts.keyPrefix).items.get(objectKey(serviceAccounts, ns, name))?.obj));
  }
  // Upstream's order: after ServiceAccount, before the pod plugins.
  if (on('NodeRestriction')) checks.push(nodeRestriction());
  if (on('AlwaysPullImages')) checks.push(alwaysPullImages());
  if (namespaces && on('PodSecurity')) checks.push(podSecurityAdmission(cache, namespaces, registry.lookup('', 'v1', 'pods')));
  const priorityClasses = registry.lookup('scheduling.k8s.io', 'v1', 'priorityclasses');
  if (priorityClasses && on('Priority')) checks.push(priorityAdmission(cache, priorityClasses));
  const ingressClasses = registry.lookup('networking.k8s.io', 'v1', 'ingressclasses');
  if (ingressClasses && on('DefaultIngressClass')) checks.push(defaultIngressClass(cache, ingressClasses));
  if (on('DefaultTolerationSeconds')) checks.push(defaultTolerationSeconds(o.defaultTolerationSeconds));
  // Upstream's order: the storage plugins follow the pod ones.
  const storageClasses = registry.lookup('storage.k8s.io', 'v1', 'storageclasses');
  if (storageClasses && on('DefaultStorageClass')) checks.push(defaultStorageClassAdmission(cache, storageClasses));
  if (on('StorageObjectInUseProtection')) checks.push(storageObjectInUseProtection());
  if (storageClasses && on('PersistentVolumeClaimResize')) checks.push(pvcResizeAdmission(cache, storageClasses));
  // Upstream's order: the webhooks follow every built-in mutating plugin (DefaultIngressClass,
  // DefaultTolerationSeconds, the storage ones), so they see the object those have completed.
  const webhooks = { registry, cache, client: o.webhookClient ?? new WebhookClient(cachedServiceLookup(registry, cache)) };
  if (on('MutatingAdmissionWebhook')) checks.push(mutatingAdmissionWebhook(webhooks));
  // ResourceQuota runs last, as upstream, so it counts what the other plugins have set.
  const quota = on('ResourceQuota') ? resourceQuotaAdmission(cache, registry) : undefined;
  const services = registry.lookup('', 'v1', 'services');
  let allocator: ServiceAllocator | undefined;
  if (services) {
    // Before allocation: a refused Service takes no ClusterIP or node port.
    if (!o.allowServiceExternalIPs) checks.push(denyServiceExternalIPs());
    allocator = new ServiceAllocator(cache, services, o.serviceNetwork ?? DEFAULT_SERVICE_NETWORK);
    checks.push(serviceAllocation(allocator, services));
  }
  if (quota) checks.push(quota);
  // CertificateApproval and CertificateSigning guard the CSR subresources, which run them themselves.
  if (on('CertificateSubjectRestriction')) checks.push(certificateSubjectRestriction());
  // Validating plugins run after every mutating one, on the object as it will be stored.
  const policies = on('ValidatingAdmissionPolicy') ? validatingAdmissionPolicy(registry, cache) : undefined;
  if (policies) checks.push(policies);
  if (on('ValidatingAdmissionWebhook')) checks.push(validatingAdmissionWebhook(webhooks));
  return { checks, allocator };
}
