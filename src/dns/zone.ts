// The cluster zone as CoreDNS's kubernetes plugin answers it under kubeadm's Corefile
// (`pods insecure`, `ttl 30`, `fallthrough in-addr.arpa ip6.arpa`) and the Kubernetes DNS
// specification: services, endpoints, named ports, ExternalName, pods, reverse names, the apex
// SOA and NS, dns-version. A name is first resolved to "what it stands for" (CoreDNS's
// msg.Service list); each query type then shapes records from that, so NXDOMAIN (nothing)
// and NODATA (something, but not of this type) fall out of one lookup.
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, SoaAnswer } from 'dns-packet';
import type { Service } from '../api/core/v1/types.js';
import { type ClusterState, clusterIPs, isHeadless } from './cluster-state.js';
import { addressFromDashed, addressFromReverse, canonicalAddress, canonicalName, labelsInZone } from './names.js';

/** The schema version of the Kubernetes DNS specification served under dns-version.<zone>. */
export const DNS_SCHEMA_VERSION = '1.1.0';
const DNS_VERSION_TTL = 28800;

export type Rcode = 'NOERROR' | 'NXDOMAIN';

export interface ZoneAnswer {
  rcode: Rcode;
  answers: Answer[];
  additionals: Answer[];
  /** The zone's SOA, on NXDOMAIN and NODATA (negative caching, RFC 2308). */
  authorities: Answer[];
  /** An ExternalName's target the answer still needs records for (asked for the same type). */
  chase?: string;
}

export interface ZoneOptions {
  /** The cluster domain, e.g. cluster.local. */
  domain: string;
  /** The TTL of every record (kubeadm's `ttl 30`). */
  ttl?: number;
  /** The cluster DNS service's addresses: what ns.dns.<zone> and the apex NS resolve to. */
  nameserverIPs?: string[];
}

/** What a name stands for: an address, or a name it is an alias of, with the port it carries. */
interface Target {
  ip?: string;
  cname?: string;
  /** -1 for an endpoint of a portless slice (an address, but no SRV record). */
  port: number;
  /** The name an SRV record points at for it. */
  name: string;
}

type Found = Target[] | 'nxdomain';

const stripUnderscore = (l: string): string => (l.startsWith('_') ? l.slice(1) : l);
/** CoreDNS's matchPortAndProtocol: an absent request part matches anything. */
const matches = (want: string | undefined, have: string): boolean => want === undefined || want === have.toLowerCase();

export class ClusterZone {
  readonly domain: string;
  private readonly ttl: number;
  private readonly nsIPs: string[];

  constructor(
    private readonly state: ClusterState,
    opts: ZoneOptions,
  ) {
    this.domain = canonicalName(opts.domain);
    this.ttl = opts.ttl ?? 30;
    this.nsIPs = (opts.nameserverIPs ?? []).map((ip) => canonicalAddress(ip)).filter((ip): ip is string => !!ip);
  }

  /**
   * The answer for a question, or undefined when the name is not this server's to answer: outside
   * the zones, or a reverse name with no service or endpoint behind it (`fallthrough`).
   */
  lookup(qname: string, qtype: string): ZoneAnswer | undefined {
    const name = canonicalName(qname);
    const labels = labelsInZone(name, this.domain);
    if (labels) return this.forwardZone(qname, labels, qtype);
    if (name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa')) return this.reverseZone(qname, name, qtype);
    return undefined;
  }

  private forwardZone(qname: string, labels: string[], qtype: string): ZoneAnswer {
    const n = labels.length;
    if (n === 0) return this.apex(qname, qtype);
    if (n === 1 && labels[0] === 'dns-version') {
      if (qtype !== 'TXT') return this.negative('NOERROR');
      return this.positive([{ type: 'TXT', name: qname, ttl: DNS_VERSION_TTL, class: 'IN', data: [DNS_SCHEMA_VERSION] }]);
    }
    if (labels[n - 1] === 'dns' && (n === 1 || (n === 2 && labels[0] === 'ns'))) {
      if (n === 1) return this.negative('NOERROR');
      return this.addresses(qname, qtype, this.nsIPs.map((ip) => ({ ip, port: 0, name: qname })));
    }
    const found = labels[n - 1] === 'svc' ? this.findServices(labels.slice(0, -1)) : labels[n - 1] === 'pod' ? this.findPod(labels.slice(0, -1)) : 'nxdomain';
    if (found === 'nxdomain') return this.negative('NXDOMAIN');
    switch (qtype) {
      case 'A':
      case 'AAAA':
      case 'CNAME':
        return this.addresses(qname, qtype, found);
      case 'SRV':
        return this.srv(qname, found);
      default:
        // The name exists; it just holds nothing of this type.
        return this.negative('NOERROR');
    }
  }

  private apex(qname: string, qtype: string): ZoneAnswer {
    if (qtype === 'SOA') return this.positive([this.soa()]);
    if (qtype === 'NS') {
      const ns = `ns.dns.${this.domain}`;
      const r = this.positive([{ type: 'NS', name: qname, ttl: this.ttl, class: 'IN', data: ns }]);
      r.additionals = this.addressRecords(ns, this.nsIPs);
      return r;
    }
    return this.negative('NOERROR');
  }

  /** `<svc>.<ns>`, `<endpoint>.<svc>.<ns>` or `_<port>._<proto>.<svc>.<ns>` (labels in front of `svc`). */
  private findServices(labels: string[]): Found {
    const n = labels.length;
    if (n === 0) return [];
    const namespace = labels[n - 1]!;
    if (n === 1) return []; // a namespace: NODATA, as CoreDNS answers it
    if (n > 4) return 'nxdomain';
    const svc = this.state.service(namespace, labels[n - 2]!);
    if (!svc) return 'nxdomain';
    const endpoint = n === 3 ? labels[0] : undefined;
    const port = n === 4 ? stripUnderscore(labels[0]!) : undefined;
    const protocol = n === 4 ? stripUnderscore(labels[1]!) : undefined;
    const base = `${svc.metadata.name}.${svc.metadata.namespace}.svc.${this.domain}`;
    const out: Target[] = [];
    if (svc.spec?.type === 'ExternalName') {
      const ext = canonicalName(svc.spec.externalName ?? '');
      // An ExternalName has no endpoints; an address as its "name" is no alias (CoreDNS skips it).
      if (endpoint !== undefined || !ext || isIPv4(ext) || isIPv6(ext)) return 'nxdomain';
      return [{ cname: ext, port: 0, name: ext }];
    }
    if (isHeadless(svc) || endpoint !== undefined) {
      for (const ep of this.state.endpoints(svc)) {
        if (endpoint !== undefined && ep.hostname.toLowerCase() !== endpoint) continue;
        const ports = ep.ports.length ? ep.ports : [{ name: '', protocol: '', port: -1 }];
        for (const p of ports) {
          if (matches(port, p.name) && matches(protocol, p.protocol)) out.push({ ip: ep.ip, port: p.port, name: `${ep.hostname}.${base}` });
        }
      }
      return out.length ? out : 'nxdomain';
    }
    for (const p of svc.spec?.ports ?? []) {
      if (!matches(port, p.name ?? '') || !matches(protocol, p.protocol ?? 'TCP')) continue;
      for (const ip of clusterIPs(svc)) out.push({ ip, port: p.port, name: base });
    }
    return out.length ? out : 'nxdomain';
  }

  /** `pods insecure`: `<a-b-c-d>.<ns>` stands for the address it spells, checked against nothing. */
  private findPod(labels: string[]): Found {
    if (labels.length < 2) return [];
    if (labels.length > 2) return 'nxdomain';
    const ip = addressFromDashed(labels[0]!);
    return ip ? [{ ip, port: 0, name: `${labels[0]}.${labels[1]}.pod.${this.domain}` }] : 'nxdomain';
  }

  private addresses(qname: string, qtype: string, found: Target[]): ZoneAnswer {
    const alias = found.find((t) => t.cname);
    if (alias) {
      const r = this.positive([{ type: 'CNAME', name: qname, ttl: this.ttl, class: 'IN', data: alias.cname! }]);
      if (qtype !== 'CNAME') r.chase = alias.cname;
      return r;
    }
    if (qtype === 'CNAME') return this.negative('NOERROR');
    const want = qtype === 'A' ? isIPv4 : isIPv6;
    const ips = [...new Set(found.filter((t) => t.ip && want(t.ip)).map((t) => t.ip!))];
    if (!ips.length) return this.negative('NOERROR');
    return this.positive(this.addressRecords(qname, ips));
  }

  private srv(qname: string, found: Target[]): ZoneAnswer {
    const seen = new Set<string>();
    const unique = found.filter((t) => {
      const k = `${t.name}|${t.port}`;
      if (t.port < 0 || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    if (!unique.length) return this.negative('NOERROR');
    // CoreDNS's weights: priority 0 for all, 100 shared out evenly (at least 1 each).
    const weight = Math.max(1, Math.floor(100 / unique.length));
    const r = this.positive(unique.map((t) => ({ type: 'SRV', name: qname, ttl: this.ttl, class: 'IN', data: { priority: 0, weight, port: t.port, target: t.name } }) as Answer));
    const extra = new Map<string, string[]>();
    for (const t of found) if (t.ip && t.port >= 0) extra.set(t.name, [...new Set([...(extra.get(t.name) ?? []), t.ip])]);
    for (const [name, ips] of extra) r.additionals.push(...this.addressRecords(name, ips));
    return r;
  }

  private reverseZone(qname: string, name: string, qtype: string): ZoneAnswer | undefined {
    if (qtype !== 'PTR') return undefined;
    const ip = addressFromReverse(name);
    if (!ip) return undefined;
    const ptr = (target: string): Answer => ({ type: 'PTR', name: qname, ttl: this.ttl, class: 'IN', data: target });
    const svcName = (s: Service) => `${s.metadata.name}.${s.metadata.namespace}.svc.${this.domain}`;
    // A cluster IP names its service; else each service the address is a ready endpoint of.
    const byClusterIP = this.state.servicesWithClusterIP(ip)[0];
    if (byClusterIP) return this.positive([ptr(svcName(byClusterIP))]);
    const records: Answer[] = [];
    for (const svc of this.state.servicesWithEndpointIP(ip)) {
      for (const ep of this.state.endpoints(svc)) if (ep.ip === ip) records.push(ptr(`${ep.hostname}.${svcName(svc)}`));
    }
    return records.length ? this.positive(records) : undefined;
  }

  private addressRecords(name: string, ips: string[]): Answer[] {
    return ips.map((ip) => ({ type: isIPv4(ip) ? 'A' : 'AAAA', name, ttl: this.ttl, class: 'IN', data: ip }) as Answer);
  }

  private positive(answers: Answer[]): ZoneAnswer {
    return { rcode: 'NOERROR', answers, additionals: [], authorities: [] };
  }

  private negative(rcode: Rcode): ZoneAnswer {
    return { rcode, answers: [], additionals: [], authorities: [this.soa()] };
  }

  /** CoreDNS's SOA: the serial is the time of the last change, the TTL and minimum the zone's TTL. */
  soa(): SoaAnswer {
    return {
      type: 'SOA',
      name: this.domain,
      ttl: Math.min(this.ttl, 300),
      class: 'IN',
      data: { mname: `ns.dns.${this.domain}`, rname: `hostmaster.${this.domain}`, serial: this.state.modifiedAt, refresh: 7200, retry: 1800, expire: 86400, minimum: this.ttl },
    };
  }
}
