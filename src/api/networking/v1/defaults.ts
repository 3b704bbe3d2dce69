// Defaulting for networking.k8s.io/v1, as upstream's SetDefaults_* for the group.
import type { IngressClass, NetworkPolicy, NetworkPolicyPort } from './types.js';

function defaultPolicyPort(port: NetworkPolicyPort): void {
  port.protocol ??= 'TCP';
}

export function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = (np.spec ??= {});
  // An absent podSelector is the empty selector upstream (a non-pointer struct): it selects every pod.
  spec.podSelector ??= {};
  for (const rule of spec.ingress ?? []) for (const p of rule.ports ?? []) defaultPolicyPort(p);
  for (const rule of spec.egress ?? []) for (const p of rule.ports ?? []) defaultPolicyPort(p);
  if (!spec.policyTypes?.length) {
    // Every policy isolates ingress; having egress rules implies isolating egress as well.
    spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

export function defaultIngressClass(ic: IngressClass): void {
  const params = ic.spec?.parameters;
  if (params && params.scope === undefined) params.scope = 'Cluster';
}
