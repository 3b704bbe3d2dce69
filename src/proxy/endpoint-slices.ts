// EndpointSlices merged per service port, as upstream's EndpointSliceCache: a service's slices
// (label kubernetes.io/service-name) give, per port name and protocol, the endpoints with that
// port; an address listed by two slices counts once (the local one wins, if they disagree).
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import { endpointAddress, servicePortKey, type EndpointInfo, type L4Protocol } from './model.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** "ns/name" of the service a slice belongs to, or undefined for a slice of none. */
export function sliceService(slice: EndpointSlice): string | undefined {
  const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  return svc ? `${slice.metadata.namespace ?? 'default'}/${svc}` : undefined;
}

/** Every service port key of one service to its merged endpoints, from that service's slices. */
export function mergeSlices(slices: EndpointSlice[], nodeName: string): Map<string, EndpointInfo[]> {
  const byPort = new Map<string, Map<string, EndpointInfo>>();
  // Slice names give a stable order, so the rules do not churn when slices are listed differently.
  const sorted = [...slices].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const slice of sorted) {
    if (slice.addressType !== 'IPv4') continue;
    const [namespace, name] = sliceService(slice)?.split('/') ?? [];
    if (!namespace || !name) continue;
    for (const port of slice.ports ?? []) {
      if (port.port === undefined || port.port === null) continue;
      const key = servicePortKey(namespace, name, port.name ?? '', (port.protocol ?? 'TCP').toLowerCase() as L4Protocol);
      let set = byPort.get(key);
      if (!set) byPort.set(key, (set = new Map()));
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip) continue;
        const ready = ep.conditions?.ready ?? true;
        const info: EndpointInfo = {
          ip,
          port: port.port,
          ready,
          serving: ep.conditions?.serving ?? ready,
          terminating: ep.conditions?.terminating ?? false,
          isLocal: ep.nodeName !== undefined && ep.nodeName === nodeName,
        };
        const addr = endpointAddress(info);
        if (!set.has(addr) || info.isLocal) set.set(addr, info);
      }
    }
  }
  return new Map([...byPort].map(([k, m]) => [k, [...m.values()]]));
}
