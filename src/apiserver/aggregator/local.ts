// The local APIServices kube-apiserver creates for the groups it serves itself (its
// apiservicesToRegister, labelled automanaged onstart), with upstream's priorities so that
// `kubectl get apiservices` lists what it lists upstream.
import type { APIService } from '../../api/apiregistration/v1/types.js';
import type { Registry } from '../registry/registry.js';

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';

/** kube-apiserver's apiVersionPriorities (group priority, version priority). */
const PRIORITIES: Record<string, [number, number]> = {
  'v1.': [18000, 1],
  'v1.apiregistration.k8s.io': [18000, 15],
  'v1.apps': [17800, 15],
  'v1.events.k8s.io': [17750, 15],
  'v1.authentication.k8s.io': [17700, 15],
  'v1.authorization.k8s.io': [17600, 15],
  'v1.autoscaling': [17500, 15],
  'v2.autoscaling': [17500, 30],
  'v1.batch': [17400, 15],
  'v1.certificates.k8s.io': [17300, 15],
  'v1.networking.k8s.io': [17200, 15],
  'v1.policy': [17100, 15],
  'v1.rbac.authorization.k8s.io': [17000, 15],
  'v1.storage.k8s.io': [16800, 15],
  'v1.apiextensions.k8s.io': [16700, 15],
  'v1.admissionregistration.k8s.io': [16700, 15],
  'v1.scheduling.k8s.io': [16600, 15],
  'v1.coordination.k8s.io': [16500, 15],
  'v1.node.k8s.io': [16300, 15],
  'v1.discovery.k8s.io': [16200, 15],
  'v1.flowcontrol.apiserver.k8s.io': [16100, 21],
};

/** One local APIService per group version the registry serves. */
export function localApiServices(registry: Registry): APIService[] {
  const out: APIService[] = [];
  for (const g of registry.groups()) {
    for (const version of g.versions) {
      const name = `${version}.${g.group}`;
      const [groupPriorityMinimum, versionPriority] = PRIORITIES[name] ?? [1000, 15];
      out.push({
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name, labels: { [AUTOMANAGED_LABEL]: 'onstart' } },
        spec: { service: null, group: g.group, version, groupPriorityMinimum, versionPriority },
      });
    }
  }
  return out;
}
