// Which endpoints a service port's traffic may go to, as upstream's CategorizeEndpoints (without
// topology hints): Cluster policy uses the ready endpoints, falling back to serving+terminating
// ones when none is ready; Local policy uses this node's ready endpoints, else its serving and
// terminating ones.
import { externallyAccessible, type EndpointInfo, type ServicePortInfo } from './model.js';

export interface Categorized {
  clusterEndpoints: EndpointInfo[];
  localEndpoints: EndpointInfo[];
  /** Every endpoint some rule of this node may send traffic to (the union of the two). */
  allReachable: EndpointInfo[];
  /** Usable endpoints exist anywhere in the cluster. */
  hasAnyEndpoints: boolean;
}

/** Externally reachable ports need Cluster endpoints even with a Local external policy: pods and the node short-circuit to them. */
export function usesClusterEndpoints(sp: ServicePortInfo): boolean {
  return !sp.internalPolicyLocal || externallyAccessible(sp);
}

export function usesLocalEndpoints(sp: ServicePortInfo): boolean {
  return sp.internalPolicyLocal || (externallyAccessible(sp) && sp.externalPolicyLocal);
}

const servingTerminating = (ep: EndpointInfo): boolean => ep.serving && ep.terminating;

export function categorizeEndpoints(endpoints: EndpointInfo[], sp: ServicePortInfo): Categorized {
  let clusterEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;
  if (usesClusterEndpoints(sp)) {
    clusterEndpoints = endpoints.filter((ep) => ep.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter(servingTerminating);
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }
  if (!usesLocalEndpoints(sp)) return { clusterEndpoints, localEndpoints: [], allReachable: clusterEndpoints, hasAnyEndpoints };
  let localReady = false;
  let localServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAnyEndpoints = true;
      if (ep.isLocal) localReady = true;
    } else if (servingTerminating(ep)) {
      hasAnyEndpoints = true;
      if (ep.isLocal) localServingTerminating = true;
    }
  }
  const localEndpoints = localReady
    ? endpoints.filter((ep) => ep.isLocal && ep.ready)
    : localServingTerminating
      ? endpoints.filter((ep) => ep.isLocal && servingTerminating(ep))
      : [];
  if (!usesClusterEndpoints(sp)) return { clusterEndpoints, localEndpoints, allReachable: localEndpoints, hasAnyEndpoints };
  const allReachable = [...clusterEndpoints];
  for (const ep of localEndpoints) if (!allReachable.includes(ep)) allReachable.push(ep);
  return { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints };
}

/** What both backends decide per service port before writing any rule. */
export interface TrafficPlan extends Categorized {
  /** A Cluster-policy chain exists (it has endpoints and some traffic uses it). */
  usesClusterChain: boolean;
  usesLocalChain: boolean;
  /** ClusterIP traffic has somewhere to go (else: rejected, or dropped for Local). */
  hasInternal: boolean;
  /** External traffic from outside has somewhere to go. */
  hasExternal: boolean;
  /** An external chain exists: the service is reachable from outside and has endpoints somewhere. */
  usesExternalChain: boolean;
  /** For traffic with nowhere to go: refused when the service has no endpoints at all, else dropped. */
  noEndpointsVerdict: 'reject' | 'drop';
}

export function planServicePort(sp: ServicePortInfo, endpoints: EndpointInfo[]): TrafficPlan {
  const c = categorizeEndpoints(endpoints, sp);
  const haveLocal = c.localEndpoints.length > 0;
  return {
    ...c,
    usesClusterChain: c.clusterEndpoints.length > 0 && usesClusterEndpoints(sp),
    usesLocalChain: haveLocal && usesLocalEndpoints(sp),
    hasInternal: c.hasAnyEndpoints && (!sp.internalPolicyLocal || haveLocal),
    hasExternal: c.hasAnyEndpoints && (!sp.externalPolicyLocal || haveLocal),
    usesExternalChain: c.hasAnyEndpoints && externallyAccessible(sp),
    noEndpointsVerdict: c.hasAnyEndpoints ? 'drop' : 'reject',
  };
}
