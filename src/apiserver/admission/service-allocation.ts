// ClusterIP and NodePort allocation for Services, as kube-apiserver's service REST storage does:
// a free address from the service CIDR (10.96.0.0/12 by default; .1 is the `kubernetes`
// service) and a free port from the NodePort range, refusing ones already taken. What is in
// use is read from the watch cache, plus in-flight reservations so two concurrent creates
// never get the same value.
import type { KubeObject } from '../../api/meta/types.js';
import type { FieldError } from '../../api/validation/field.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export interface ServiceNetwork {
  /** e.g. "10.96.0.0/12" */
  serviceCidr: string;
  nodePortRange: [number, number];
}

export const DEFAULT_SERVICE_NETWORK: ServiceNetwork = { serviceCidr: '10.96.0.0/12', nodePortRange: [30000, 32767] };

interface PortSpec {
  port?: number;
  protocol?: string;
  nodePort?: number;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: PortSpec[];
  allocateLoadBalancerNodePorts?: boolean;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
}

function ipToInt(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly reservedIPs = new Set<string>();
  private readonly reservedPorts = new Set<number>();

  constructor(
    private readonly cache: WatchCache,
    private readonly services: ResourceEntry,
    readonly network: ServiceNetwork = DEFAULT_SERVICE_NETWORK,
  ) {
    const [addr, bits] = network.serviceCidr.split('/');
    const base = ipToInt(addr ?? '');
    const prefix = Number(bits);
    if (base === undefined || !(prefix >= 8 && prefix <= 30)) throw new Error(`invalid service CIDR ${network.serviceCidr}`);
    this.size = 2 ** (32 - prefix);
    this.base = base & ~(this.size - 1);
  }

  /** The first address of the range: the `kubernetes` service. */
  get apiServerServiceIP(): string {
    return intToIp(this.base + 1);
  }

  private inRange(ip: string): boolean {
    const n = ipToInt(ip);
    return n !== undefined && n > this.base && n < this.base + this.size - 1;
  }

  private used(exceptKey?: string): { ips: Set<string>; ports: Set<number> } {
    const ips = new Set(this.reservedIPs);
    const ports = new Set(this.reservedPorts);
    for (const [key, c] of this.cache.resource(this.services.keyPrefix).items) {
      if (key === exceptKey) continue;
      const spec = (c.obj['spec'] ?? {}) as ServiceSpec;
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) ips.add(ip);
      for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
      if (spec.healthCheckNodePort) ports.add(spec.healthCheckNodePort);
    }
    return { ips, ports };
  }

  private pickIP(used: Set<string>): string | undefined {
    // Random probing keeps allocation O(1) while the range is sparsely used.
    for (let i = 0; i < 64; i++) {
      const ip = intToIp(this.base + 2 + Math.floor(Math.random() * (this.size - 3)));
      if (!used.has(ip)) return ip;
    }
    for (let n = this.base + 2; n < this.base + this.size - 1; n++) if (!used.has(intToIp(n))) return intToIp(n);
    return undefined;
  }

  private pickPort(used: Set<number>): number | undefined {
    const [lo, hi] = this.network.nodePortRange;
    for (let i = 0; i < 64; i++) {
      const p = lo + Math.floor(Math.random() * (hi - lo + 1));
      if (!used.has(p)) return p;
    }
    for (let p = lo; p <= hi; p++) if (!used.has(p)) return p;
    return undefined;
  }

  /** Fill in and check the service's allocations; `old` is the stored service on update. */
  allocate(svc: KubeObject, old: KubeObject | undefined, key: string): () => void {
    const spec = ((svc['spec'] ??= {}) as ServiceSpec);
    const oldSpec = (old?.['spec'] ?? {}) as ServiceSpec;
    const { ips, ports } = this.used(key);
    const errs: FieldError[] = [];
    const taken: { ips: string[]; ports: number[] } = { ips: [], ports: [] };

    if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else if (spec.clusterIP !== 'None') {
      const wanted = spec.clusterIP || spec.clusterIPs?.[0];
      const previous = oldSpec.clusterIP && oldSpec.clusterIP !== 'None' ? oldSpec.clusterIP : undefined;
      if (wanted && wanted !== previous) {
        if (!this.inRange(wanted)) {
          errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', badValue: [wanted], detail: `failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${this.network.serviceCidr}` });
        } else if (ips.has(wanted)) {
          errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', badValue: [wanted], detail: `failed to allocate IP ${wanted}: provided IP is already allocated` });
        } else taken.ips.push(wanted);
      }
      const ip = wanted ?? previous ?? this.pickIP(ips);
      if (!ip) throw errors.internal(new Error(`failed to allocate a serviceIP: range is full`));
      if (!wanted && !previous) taken.ips.push(ip);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    } else {
      spec.clusterIPs = ['None'];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }

    const wantsNodePorts = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    const oldPorts = new Set((oldSpec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p));
    (spec.ports ?? []).forEach((p, i) => {
      if (!wantsNodePorts) {
        if (spec.type === 'ClusterIP') delete p.nodePort;
        return;
      }
      if (p.nodePort) {
        if (oldPorts.has(p.nodePort)) return;
        const [lo, hi] = this.network.nodePortRange;
        if (p.nodePort < lo || p.nodePort > hi) {
          errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, badValue: p.nodePort, detail: `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}` });
        } else if (ports.has(p.nodePort) || taken.ports.includes(p.nodePort)) {
          errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, badValue: p.nodePort, detail: 'provided port is already allocated' });
        } else taken.ports.push(p.nodePort);
        return;
      }
      // The same port number on TCP and UDP shares one node port, as upstream does.
      const sibling = spec.ports!.find((q) => q !== p && q.port === p.port && q.nodePort);
      const port = sibling?.nodePort ?? this.pickPort(new Set([...ports, ...taken.ports]));
      if (!port) throw errors.internal(new Error('failed to allocate a nodePort: range is full'));
      p.nodePort = port;
      if (!sibling) taken.ports.push(port);
    });
    this.allocateHealthCheckNodePort(spec, oldSpec, new Set([...ports, ...taken.ports]), taken, errs);
    if (errs.length) throw errors.invalid(this.services, svc.metadata.name ?? '', errs);
    for (const ip of taken.ips) this.reservedIPs.add(ip);
    for (const p of taken.ports) this.reservedPorts.add(p);
    // Released once the write has landed in (or failed to reach) storage.
    return () => {
      for (const ip of taken.ips) this.reservedIPs.delete(ip);
      for (const p of taken.ports) this.reservedPorts.delete(p);
    };
  }

  /**
   * externalTrafficPolicy Local LoadBalancers get a health-check node port from the node port
   * range (the strategy carries the old one over on update); a requested one must be free.
   */
  private allocateHealthCheckNodePort(spec: ServiceSpec, oldSpec: ServiceSpec, used: Set<number>, taken: { ports: number[] }, errs: FieldError[]): void {
    if (spec.type !== 'LoadBalancer' || spec.externalTrafficPolicy !== 'Local') return;
    const wanted = spec.healthCheckNodePort;
    if (wanted && wanted === oldSpec.healthCheckNodePort) return;
    if (wanted) {
      const [lo, hi] = this.network.nodePortRange;
      if (wanted < lo || wanted > hi) errs.push({ type: 'FieldValueInvalid', field: 'spec.healthCheckNodePort', badValue: wanted, detail: `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}` });
      else if (used.has(wanted)) errs.push({ type: 'FieldValueInvalid', field: 'spec.healthCheckNodePort', badValue: wanted, detail: 'provided port is already allocated' });
      else taken.ports.push(wanted);
      return;
    }
    const port = this.pickPort(used);
    if (!port) throw errors.internal(new Error('failed to allocate a nodePort: range is full'));
    spec.healthCheckNodePort = port;
    taken.ports.push(port);
  }
}

export function serviceAllocation(allocator: ServiceAllocator, services: ResourceEntry): AdmissionCheck {
  return (entry, obj, op, old) => {
    if (entry.storage !== services || (op !== 'create' && op !== 'update')) return;
    const key = `${services.keyPrefix}${obj.metadata.namespace}/${obj.metadata.name}`;
    return allocator.allocate(obj, old, key);
  };
}
