// Service defaulting and the write-time fix-ups upstream's service strategy and REST storage
// apply, so that old clients and `kubectl apply` (which never send allocated values) keep working.
import type { Service, ServicePort, ServiceSpec } from './types.js';
import { semanticEqual } from './validation-helpers.js';

export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

/** Reachable from outside the cluster: what the external traffic policy applies to. */
export function externallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0);
}

export function isHeadless(spec: ServiceSpec): boolean {
  return spec.clusterIP === 'None';
}

/** SetDefaults_Service. */
export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = ((spec.sessionAffinityConfig ??= {}).clientIP ??= {});
    clientIP.timeoutSeconds ??= DEFAULT_CLIENT_IP_TIMEOUT_SECONDS;
  }
  spec.type ||= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined && spec.type !== 'ExternalName') spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts ??= true;
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
      if (ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
    }
  }
}

const needsClusterIP = (s: ServiceSpec) => s.type !== 'ExternalName';
const needsNodePort = (s: ServiceSpec) => s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
const needsHealthCheckNodePort = (s: ServiceSpec) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

/**
 * Keep spec.clusterIP and spec.clusterIPs consistent when a client manages only one of them
 * (upstream's NormalizeClusterIPs). `old` is absent on create.
 */
export function normalizeClusterIPs(spec: ServiceSpec, old?: ServiceSpec): void {
  if (!old) {
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  if (old.clusterIPs?.length && !spec.clusterIPs?.length && (old.clusterIP ?? '') === (spec.clusterIP ?? '')) {
    spec.clusterIPs = [...old.clusterIPs];
  }
  if ((old.clusterIP ?? '') !== (spec.clusterIP ?? '')) {
    const sameIPs = semanticEqual(old.clusterIPs, spec.clusterIPs);
    if (old.clusterIP && !spec.clusterIP) {
      if (sameIPs) delete spec.clusterIPs;
    } else if (sameIPs) {
      spec.clusterIPs = spec.clusterIP ? [spec.clusterIP] : [];
    }
  }
}

const portKey = (p: ServicePort) => `${p.port}/${p.protocol ?? 'TCP'}`;

/**
 * An update that leaves allocated values out (as `kubectl apply` and `replace` do) keeps the
 * ones already allocated, as upstream's patchAllocatedValues.
 */
export function patchAllocatedValues(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (!spec.clusterIPs?.length && old.clusterIPs?.length) spec.clusterIPs = [...old.clusterIPs];
    if (!spec.ipFamilies?.length && old.ipFamilies?.length) spec.ipFamilies = [...old.ipFamilies];
    if (!spec.ipFamilyPolicy && old.ipFamilyPolicy) spec.ipFamilyPolicy = old.ipFamilyPolicy;
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const newUsed = new Set((spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n));
    const used = new Set((old.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n && newUsed.has(n)));
    const byKey = new Map((old.ports ?? []).map((p) => [portKey(p), p.nodePort]));
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const prev = byKey.get(portKey(p));
      if (prev && !used.has(prev)) p.nodePort = prev;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(spec) && !spec.healthCheckNodePort && old.healthCheckNodePort) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/**
 * When the type changes, values that only made sense for the old type are dropped, unless the
 * client changed them itself (then validation judges them), as upstream's dropTypeDependentFields.
 */
export function dropTypeDependentFields(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (semanticEqual(spec.clusterIP, old.clusterIP) && semanticEqual(spec.clusterIPs, old.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (semanticEqual(spec.ipFamilies, old.ipFamilies)) delete spec.ipFamilies;
    if (semanticEqual(spec.ipFamilyPolicy, old.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(spec)) {
    const oldPorts = new Map((old.ports ?? []).map((p) => [portKey(p), p.nodePort]));
    const unchanged = (spec.ports ?? []).every((p) => !p.nodePort || oldPorts.get(portKey(p)) === p.nodePort);
    if (unchanged) for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(spec) && spec.healthCheckNodePort === old.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
  if (old.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === old.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (!externallyAccessible(spec) && spec.externalTrafficPolicy === old.externalTrafficPolicy) delete spec.externalTrafficPolicy;
}

/** A new service starts with an empty status. */
export function prepareServiceForCreate(svc: Service): void {
  svc.status = {};
  normalizeClusterIPs((svc.spec ??= {}));
}

export function prepareServiceForUpdate(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const oldSpec = old.spec ?? {};
  patchAllocatedValues(spec, oldSpec);
  normalizeClusterIPs(spec, oldSpec);
  dropTypeDependentFields(spec, oldSpec);
  // As upstream: a Service that is no longer a LoadBalancer loses its load balancer status at
  // once, though the load balancer goes away asynchronously.
  if (spec.type !== 'LoadBalancer' && svc.status?.loadBalancer?.ingress) svc.status = { ...svc.status, loadBalancer: {} };
}
