// The proxy's view of the cluster, kept level-based: informer events replace what is known of
// one Service, one EndpointSlice or the node, and only that service's entries in the state are
// recomputed. The state is always the whole truth; a sync never depends on which events came.
import type { Node, Service } from '../api/core/v1/types.js';
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import { mergeSlices, sliceService } from './endpoint-slices.js';
import type { EndpointInfo, ProxyState, ServicePortInfo } from './model.js';
import { servicePortMap } from './service-ports.js';

const nsName = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;

export class ChangeTracker {
  private readonly state: ProxyState = { services: new Map(), endpoints: new Map(), nodeIPs: [] };
  /** Per service ("ns/name"): the keys of its ports in state.services. */
  private readonly portsOf = new Map<string, Map<string, ServicePortInfo>>();
  private readonly slicesOf = new Map<string, Map<string, EndpointSlice>>();
  /** Per service: the keys of its entries in state.endpoints. */
  private readonly endpointKeysOf = new Map<string, string[]>();
  private nodeSeen = false;

  constructor(
    readonly nodeName: string,
    /** Called after every change that may alter the rules. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  current(): ProxyState {
    return this.state;
  }

  setService(svc: Service): void {
    const key = nsName(svc);
    const old = this.portsOf.get(key);
    for (const k of old?.keys() ?? []) this.state.services.delete(k);
    const ports = servicePortMap(svc);
    if (ports.size) this.portsOf.set(key, ports);
    else this.portsOf.delete(key);
    for (const [k, sp] of ports) this.state.services.set(k, sp);
    this.onChange();
  }

  deleteService(svc: Service): void {
    const key = nsName(svc);
    for (const k of this.portsOf.get(key)?.keys() ?? []) this.state.services.delete(k);
    this.portsOf.delete(key);
    this.onChange();
  }

  setSlice(slice: EndpointSlice): void {
    const svc = sliceService(slice);
    if (!svc) return;
    let slices = this.slicesOf.get(svc);
    if (!slices) this.slicesOf.set(svc, (slices = new Map()));
    slices.set(slice.metadata.name ?? '', slice);
    this.remerge(svc);
  }

  deleteSlice(slice: EndpointSlice): void {
    const svc = sliceService(slice);
    if (!svc) return;
    const slices = this.slicesOf.get(svc);
    slices?.delete(slice.metadata.name ?? '');
    if (slices?.size === 0) this.slicesOf.delete(svc);
    this.remerge(svc);
  }

  setNode(node: Node | undefined): void {
    if (node && node.metadata.name !== this.nodeName) return;
    const ips = (node?.status?.addresses ?? [])
      .filter((a) => (a.type === 'InternalIP' || a.type === 'ExternalIP') && /^\d+\.\d+\.\d+\.\d+$/.test(a.address) && !a.address.startsWith('127.'))
      .map((a) => a.address);
    const unique = [...new Set(ips)];
    if (this.nodeSeen && unique.join(',') === this.state.nodeIPs.join(',')) return;
    this.nodeSeen = true;
    this.state.nodeIPs = unique;
    this.onChange();
  }

  private remerge(svc: string): void {
    for (const k of this.endpointKeysOf.get(svc) ?? []) this.state.endpoints.delete(k);
    const merged: Map<string, EndpointInfo[]> = mergeSlices([...(this.slicesOf.get(svc)?.values() ?? [])], this.nodeName);
    for (const [k, eps] of merged) this.state.endpoints.set(k, eps);
    if (merged.size) this.endpointKeysOf.set(svc, [...merged.keys()]);
    else this.endpointKeysOf.delete(svc);
    this.onChange();
  }
}
