// A Service object as the proxy sees it: one ServicePortInfo per port that needs rules.
// ExternalName services and headless ones (clusterIP None) get none, as upstream; only IPv4 is
// programmed for now.
import type { Service } from '../api/core/v1/types.js';
import { keyOfServicePort, type L4Protocol, type ServicePortInfo } from './model.js';

/** Upstream's default ClientIP stickiness: three hours. */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV4_CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

export function servicePortsOf(svc: Service): ServicePortInfo[] {
  const spec = svc.spec ?? {};
  const clusterIP = spec.clusterIP ?? '';
  if (spec.type === 'ExternalName' || !IPV4.test(clusterIP)) return [];
  const namespace = svc.metadata.namespace ?? 'default';
  const externallyReachable = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const externalIPs = (spec.externalIPs ?? []).filter((ip) => IPV4.test(ip));
  // ipMode Proxy asks the proxy to leave the address to the load balancer (traffic must go through it).
  const loadBalancerIPs = spec.type === 'LoadBalancer' ? [...new Set((svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && IPV4.test(i.ip) && i.ipMode !== 'Proxy').map((i) => i.ip!))] : [];
  const loadBalancerSourceRanges = spec.type === 'LoadBalancer' ? (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => IPV4_CIDR.test(r)) : [];
  const externalPolicyLocal = spec.externalTrafficPolicy === 'Local' && (externallyReachable || externalIPs.length > 0);
  const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS) : undefined;
  return (spec.ports ?? []).map((p) => ({
    namespace,
    name: svc.metadata.name ?? '',
    portName: p.name ?? '',
    protocol: (p.protocol ?? 'TCP').toLowerCase() as L4Protocol,
    clusterIP,
    port: p.port,
    nodePort: externallyReachable ? (p.nodePort ?? 0) : 0,
    externalIPs,
    loadBalancerIPs,
    loadBalancerSourceRanges,
    affinityTimeoutSeconds: affinity,
    externalPolicyLocal,
    internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
    healthCheckNodePort: externalPolicyLocal && externallyReachable ? (spec.healthCheckNodePort ?? 0) : 0,
  }));
}

export function servicePortMap(svc: Service): Map<string, ServicePortInfo> {
  return new Map(servicePortsOf(svc).map((sp) => [keyOfServicePort(sp), sp]));
}
