// Building an Endpoints object's subsets from a service and its pods, as upstream does:
// one address per pod (ready or not), ports resolved per pod, then repacked so addresses
// sharing a port set share a subset, in a stable order.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { EndpointAddress, EndpointPort, EndpointSubset, Service } from '../../api/core/v1/types.js';
import { isPodReady } from '../common/pod-state.js';
import { findPort, hostnameFor, podIpOf, serviceFamily, shouldPodBeInEndpoints } from './pods.js';

export function addressFor(pod: Pod, ip: string, svc: Service): EndpointAddress {
  const a: EndpointAddress = { ip };
  const hostname = hostnameFor(pod, svc);
  if (hostname) a.hostname = hostname;
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return a;
}

interface Entry {
  address: EndpointAddress;
  ready: boolean;
  ports: EndpointPort[];
}

export function computeSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const family = serviceFamily(svc);
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podIpOf(pod, family);
    if (!ip) continue;
    const ready = publishNotReady || isPodReady(pod);
    const address = addressFor(pod, ip, svc);
    const svcPorts = svc.spec?.ports ?? [];
    if (!svcPorts.length) {
      // Only headless services publish addresses without ports.
      if (svc.spec?.clusterIP === 'None') entries.push({ address, ready, ports: [] });
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) ep.name = sp.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      entries.push({ address, ready, ports: [ep] });
    }
  }
  return repack(entries);
}

const portKey = (p: EndpointPort) => `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`;
const addrKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ''}`;

/** Group each address's ports, then addresses by identical port sets (upstream's RepackSubsets). */
export function repack(entries: Entry[]): EndpointSubset[] {
  const byAddress = new Map<string, { address: EndpointAddress; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const e of entries) {
    const k = `${addrKey(e.address)}/${e.ready}`;
    let slot = byAddress.get(k);
    if (!slot) byAddress.set(k, (slot = { address: e.address, ready: e.ready, ports: new Map() }));
    for (const p of e.ports) slot.ports.set(portKey(p), p);
  }
  const bySet = new Map<string, EndpointSubset>();
  for (const slot of byAddress.values()) {
    const ports = [...slot.ports.values()].sort((a, b) => portKey(a).localeCompare(portKey(b)));
    const k = ports.map(portKey).join(',');
    let ss = bySet.get(k);
    if (!ss) bySet.set(k, (ss = ports.length ? { ports } : {}));
    const list = slot.ready ? (ss.addresses ??= []) : (ss.notReadyAddresses ??= []);
    list.push(slot.address);
  }
  const subsets = [...bySet.values()];
  const cmp = (a: EndpointAddress, b: EndpointAddress) => compareIp(a.ip, b.ip) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');
  for (const ss of subsets) {
    ss.addresses?.sort(cmp);
    ss.notReadyAddresses?.sort(cmp);
  }
  return subsets.sort((a, b) => (a.ports ?? []).map(portKey).join(',').localeCompare((b.ports ?? []).map(portKey).join(',')));
}

/** Numeric order for IPv4 so 10.0.0.9 sorts before 10.0.0.10; text order otherwise. */
function compareIp(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d) return d;
    }
    return 0;
  }
  return a.localeCompare(b);
}
