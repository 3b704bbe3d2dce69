// What the scheduler knows about one node: the Node object, its allocatable amounts, and the
// sum of what the pods placed on it (bound or assumed) request, with their host ports.
import type { Node } from '../api/core/v1/types.js';
import { hasAffinity, type HostPort, type PodInfo } from './pod-info.js';
import { addTo, cloneResource, emptyResource, resourceFromList, type Resource } from './resources.js';

export class NodeInfo {
  node: Node;
  allocatable: Resource;
  readonly requested: Resource = emptyResource();
  readonly nonZeroRequested: Resource = emptyResource();
  readonly pods = new Map<string, PodInfo>();
  /** Pods with any pod (anti-)affinity: the only ones InterPodAffinity has to look at for existing rules. */
  readonly podsWithAffinity = new Map<string, PodInfo>();
  /** "ip/protocol/port" of every host port in use. */
  readonly usedPorts = new Map<string, number>();

  constructor(node: Node) {
    this.node = node;
    this.allocatable = resourceFromList(node.status?.allocatable);
  }

  get name(): string {
    return this.node.metadata.name!;
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = resourceFromList(node.status?.allocatable);
  }

  addPod(pi: PodInfo): void {
    if (this.pods.has(pi.key)) this.removePod(pi.key);
    this.pods.set(pi.key, pi);
    if (hasAffinity(pi)) this.podsWithAffinity.set(pi.key, pi);
    addTo(this.requested, pi.requests);
    addTo(this.nonZeroRequested, pi.nonZeroRequests);
    for (const p of pi.hostPorts) this.usedPorts.set(portKey(p), (this.usedPorts.get(portKey(p)) ?? 0) + 1);
  }

  removePod(key: string): PodInfo | undefined {
    const pi = this.pods.get(key);
    if (!pi) return undefined;
    this.pods.delete(key);
    this.podsWithAffinity.delete(key);
    addTo(this.requested, pi.requests, -1);
    addTo(this.nonZeroRequested, pi.nonZeroRequests, -1);
    for (const p of pi.hostPorts) {
      const k = portKey(p);
      const n = (this.usedPorts.get(k) ?? 0) - 1;
      if (n > 0) this.usedPorts.set(k, n);
      else this.usedPorts.delete(k);
    }
    return pi;
  }

  /** A copy that can have pods added or removed without touching the cache (preemption, nominations). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.node);
    c.allocatable = cloneResource(this.allocatable);
    for (const pi of this.pods.values()) c.addPod(pi);
    return c;
  }

  /** True when a wanted host port collides with one in use (0.0.0.0 collides with every address). */
  portConflicts(want: HostPort): boolean {
    if (this.usedPorts.size === 0) return false;
    if (want.ip === '0.0.0.0') {
      for (const k of this.usedPorts.keys()) {
        const [, proto, port] = k.split('/');
        if (proto === want.protocol && Number(port) === want.port) return true;
      }
      return false;
    }
    return this.usedPorts.has(portKey(want)) || this.usedPorts.has(portKey({ ...want, ip: '0.0.0.0' }));
  }
}

export function portKey(p: HostPort): string {
  return `${p.ip}/${p.protocol}/${p.port}`;
}
