// What the proxy programs, independent of the backend: the service ports of the cluster, each
// with the endpoints merged from its EndpointSlices, and what the proxy knows of its own node.
// Both rule generators are pure functions of a ProxyState and a ProxyConfig.

export type L4Protocol = 'tcp' | 'udp' | 'sctp';

/** One port of one Service: what upstream calls a ServicePort (its name is "ns/svc:port"). */
export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** The port's name; "" when the Service has a single unnamed port. */
  portName: string;
  protocol: L4Protocol;
  clusterIP: string;
  port: number;
  /** 0 when the service has none. */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress IPs in VIP mode (type LoadBalancer only): served like externalIPs. */
  loadBalancerIPs: string[];
  /** spec.loadBalancerSourceRanges (IPv4 CIDRs) of a LoadBalancer: the clients its load balancer IPs accept. */
  loadBalancerSourceRanges: string[];
  /** sessionAffinity ClientIP: the stickiness timeout in seconds; undefined for None. */
  affinityTimeoutSeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** 0 when none; served only for externalTrafficPolicy Local NodePort/LoadBalancer services. */
  healthCheckNodePort: number;
}

export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** On this proxy's node. */
  isLocal: boolean;
}

export interface ProxyState {
  /** By servicePortKey. */
  services: Map<string, ServicePortInfo>;
  /** By servicePortKey; deduplicated by address, in a stable order. */
  endpoints: Map<string, EndpointInfo[]>;
  /** This node's addresses that accept NodePort traffic (never loopback). */
  nodeIPs: string[];
}

export interface ProxyConfig {
  /** The pod network (--cluster-cidr): traffic to a service from outside it is masqueraded. */
  clusterCIDR?: string;
  /** The bit of the packet mark that asks for masquerading (upstream's --masquerade-bit, 14). */
  masqueradeBit: number;
  /** Masquerade all traffic to services (upstream's --masquerade-all). */
  masqueradeAll: boolean;
}

export const DEFAULT_PROXY_CONFIG: ProxyConfig = { masqueradeBit: 14, masqueradeAll: false };

/** Upstream's ServicePortName string: "ns/name" or "ns/name:port". */
export function servicePortName(sp: Pick<ServicePortInfo, 'namespace' | 'name' | 'portName'>): string {
  return `${sp.namespace}/${sp.name}${sp.portName ? `:${sp.portName}` : ''}`;
}

/** How the state maps key service ports: the name plus the protocol, as upstream's ServicePortName. */
export function servicePortKey(namespace: string, name: string, portName: string, protocol: L4Protocol): string {
  return `${namespace}/${name}:${portName}/${protocol}`;
}

export function keyOfServicePort(sp: ServicePortInfo): string {
  return servicePortKey(sp.namespace, sp.name, sp.portName, sp.protocol);
}

export const endpointAddress = (ep: Pick<EndpointInfo, 'ip' | 'port'>): string => `${ep.ip}:${ep.port}`;

/** NodePorts, externalIPs and load balancer IPs make a service reachable from outside. */
export function externallyAccessible(sp: ServicePortInfo): boolean {
  return sp.nodePort !== 0 || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
}

export function masqueradeMark(cfg: ProxyConfig): string {
  return `0x${(1 << cfg.masqueradeBit).toString(16).padStart(6, '0')}`;
}
