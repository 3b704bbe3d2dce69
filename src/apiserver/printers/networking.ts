// networking.k8s.io and discovery.k8s.io kinds: Ingress, IngressClass, NetworkPolicy, EndpointSlice, ServiceCIDR, IPAddress.
import type { LabelSelector } from '../../api/meta/types.js';
import { ageColumn, ageOf, column, nameColumn, nameOf, printer } from './columns.js';
import { formatLabelSelector, listWithMore, loadBalancerAddresses } from './format.js';

interface IngressShape {
  spec?: { ingressClassName?: string | null; rules?: { host?: string }[]; tls?: unknown[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** Up to three rule hosts, "+ N more..." counting every rule past the third; "*" when no rule names a host. */
export function ingressHosts(rules: readonly { host?: string }[] | undefined): string {
  const list = rules ?? [];
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of list) {
    if (hosts.length === max) more = true;
    if (!more && rule.host) hosts.push(rule.host);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${list.length - max} more...` : hosts.join(',');
}

export const ingressPrinter = printer<IngressShape>(
  [
    nameColumn(),
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn(),
  ],
  (ing, now) => [
    nameOf(ing), ing.spec?.ingressClassName ?? '<none>', ingressHosts(ing.spec?.rules),
    loadBalancerAddresses(ing.status?.loadBalancer?.ingress), (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80', ageOf(ing, now),
  ],
);

interface IngressClassShape { spec?: { controller?: string; parameters?: { apiGroup?: string | null; kind?: string; name?: string } } }

export const ingressClassPrinter = printer<IngressClassShape>(
  [
    nameColumn(),
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn(),
  ],
  (ic, now) => {
    const p = ic.spec?.parameters;
    const params = p ? `${p.kind ?? ''}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name ?? ''}` : '<none>';
    return [nameOf(ic), ic.spec?.controller ?? '', params, ageOf(ic, now)];
  },
);

export const networkPolicyPrinter = printer<{ spec?: { podSelector?: LabelSelector } }>(
  [nameColumn(), column('Pod-Selector', 'string', 'Selects the pods to which this policy applies.'), ageColumn()],
  (np, now) => [nameOf(np), formatLabelSelector(np.spec?.podSelector), ageOf(np, now)],
);

interface EndpointSliceShape { addressType?: string; ports?: { name?: string | null; port?: number | null }[] | null; endpoints?: { addresses?: string[] }[] }

export const endpointSlicePrinter = printer<EndpointSliceShape>(
  [
    nameColumn(),
    column('AddressType', 'string', 'The type of address carried by this slice: IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'The network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'string', 'The addresses of the endpoints in this slice.'),
    ageColumn(),
  ],
  (es, now) => {
    const ports = (es.ports ?? []).map((p) => (typeof p.port === 'number' ? String(p.port) : p.name ?? '*'));
    const addresses = (es.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [nameOf(es), es.addressType ?? '', listWithMore(ports), listWithMore(addresses), ageOf(es, now)];
  },
);

export const serviceCIDRPrinter = printer<{ spec?: { cidrs?: string[] } }>(
  [nameColumn(), column('CIDRs', 'string', 'The IP ranges service cluster IPs are allocated from.'), ageColumn()],
  (sc, now) => [nameOf(sc), (sc.spec?.cidrs ?? []).join(','), ageOf(sc, now)],
);

interface IPAddressShape { spec?: { parentRef?: { group?: string; resource?: string; namespace?: string; name?: string } } }

export const ipAddressPrinter = printer<IPAddressShape>(
  [nameColumn(), column('ParentRef', 'string', 'The object this IP address is allocated to.'), ageColumn()],
  (ip, now) => {
    const ref = ip.spec?.parentRef;
    let parent = '<none>';
    if (ref) {
      const gr = ref.group ? `${ref.resource ?? ''}.${ref.group}` : ref.resource ?? '';
      parent = gr.toLowerCase() + (ref.namespace ? `/${ref.namespace}` : '') + `/${ref.name ?? ''}`;
    }
    return [nameOf(ip), parent, ageOf(ip, now)];
  },
);
