// The EndpointSlices a service should have: one endpoint per selected pod (terminating pods
// included, with their conditions), grouped by the ports they expose, at most
// `maxEndpointsPerSlice` per slice, or one empty placeholder slice when no pod qualifies.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Service } from '../../api/core/v1/types.js';
import type { Endpoint, EndpointPort } from '../../api/discovery/v1/types.js';
import { isPodReady } from '../common/pod-state.js';
import { findPort, hostnameFor, podIpOf, serviceFamily, shouldPodBeInEndpoints } from '../endpoints/pods.js';

export const MAX_ENDPOINTS_PER_SLICE = 100;
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface DesiredSlice {
  ports: EndpointPort[] | undefined;
  endpoints: Endpoint[];
}

export const portsKey = (ports: EndpointPort[] | undefined): string =>
  (ports ?? []).map((p) => `${p.name ?? ''}/${p.port ?? ''}/${p.protocol ?? ''}/${p.appProtocol ?? ''}`).join(',');

export function endpointFor(pod: Pod, ip: string, svc: Service, zoneOf: (node: string) => string | undefined): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  // A terminating pod is never "ready" unless the service publishes not-ready addresses.
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: Endpoint = {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  const hostname = hostnameFor(pod, svc);
  if (hostname) ep.hostname = hostname;
  const node = pod.spec?.nodeName;
  if (node) {
    ep.nodeName = node;
    const zone = zoneOf(node);
    if (zone) ep.zone = zone;
  }
  return ep;
}

function portsFor(pod: Pod, svc: Service): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.port ?? 0) - (b.port ?? 0));
}

const ipOrder = (a: Endpoint, b: Endpoint): number => {
  const x = a.addresses[0]!.split('.').map(Number);
  const y = b.addresses[0]!.split('.').map(Number);
  if (x.length === 4 && y.length === 4) for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return a.addresses[0]!.localeCompare(b.addresses[0]!);
};

/** Desired slices keyed by their port set. */
export function desiredSlices(svc: Service, pods: Pod[], zoneOf: (node: string) => string | undefined, max = MAX_ENDPOINTS_PER_SLICE): Map<string, DesiredSlice[]> {
  const family = serviceFamily(svc);
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIpOf(pod, family);
    if (!ip) continue;
    const ports = portsFor(pod, svc);
    const k = portsKey(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, endpoints: [] }));
    g.endpoints.push(endpointFor(pod, ip, svc, zoneOf));
  }
  const out = new Map<string, DesiredSlice[]>();
  for (const [k, g] of groups) {
    g.endpoints.sort(ipOrder);
    const chunks: DesiredSlice[] = [];
    for (let i = 0; i < g.endpoints.length; i += max) chunks.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + max) });
    out.set(k, chunks);
  }
  // A service with no endpoints still gets one empty slice, so consumers see it was processed.
  if (!out.size) out.set(portsKey(undefined), [{ ports: undefined, endpoints: [] }]);
  return out;
}
