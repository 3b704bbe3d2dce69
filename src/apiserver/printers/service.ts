// Services and Endpoints: addresses and ports as `kubectl get svc,ep` shows them.
import { ageColumn, ageOf, column, nameColumn, nameOf, printer, wide } from './columns.js';
import { formatLabels, joinHostPort, loadBalancerAddresses } from './format.js';

interface ServicePort { name?: string; port: number; nodePort?: number; protocol?: string }

export interface ServiceShape {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    ports?: ServicePort[];
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/**
 * External-IP column. The server always renders the wide form, so load-balancer addresses
 * are never clipped here.
 */
export function serviceExternalIP(svc: ServiceShape): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc.status?.loadBalancer?.ingress);
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** "80:30080/TCP,443/TCP"; "<none>" for a service without ports. */
export function servicePorts(ports: readonly ServicePort[] | undefined): string {
  const text = (ports ?? [])
    .map((p) => (p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`))
    .join(',');
  return text || '<none>';
}

export const servicePrinter = printer<ServiceShape>(
  [
    nameColumn(),
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The virtual IP the service is reachable at inside the cluster.'),
    column('External-IP', 'string', 'Addresses outside the cluster at which the service is reachable.'),
    column('Port(s)', 'string', 'The ports the service exposes, with node ports where allocated.'),
    ageColumn(),
    wide('Selector', 'string', 'Labels of the pods that receive the service traffic.'),
  ],
  (svc, now) => {
    const spec = svc.spec ?? {};
    const clusterIP = spec.clusterIPs?.[0] || spec.clusterIP || '<none>';
    return [
      nameOf(svc), spec.type ?? 'ClusterIP', clusterIP, serviceExternalIP(svc), servicePorts(spec.ports), ageOf(svc, now),
      formatLabels(spec.selector),
    ];
  },
);

interface EndpointSubset { addresses?: { ip: string }[]; ports?: ServicePort[] }
export interface EndpointsShape { subsets?: EndpointSubset[] }

/** Up to three "ip:port" pairs, then " + N more..."; "<none>" when there are no subsets. */
export function formatEndpoints(ep: EndpointsShape): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const shown: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    // Headless services may list addresses without ports.
    const targets = ports.length === 0 ? [undefined] : ports.map((p) => p.port);
    for (const port of targets) {
      count += addresses.length;
      for (const a of addresses) {
        if (shown.length === max) break;
        shown.push(port === undefined ? a.ip : joinHostPort(a.ip, port));
      }
    }
  }
  const text = shown.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

export const endpointsPrinter = printer<EndpointsShape>(
  [nameColumn(), column('Endpoints', 'string', 'The addresses and ports that back the service.'), ageColumn()],
  (ep, now) => [nameOf(ep), formatEndpoints(ep), ageOf(ep, now)],
);
