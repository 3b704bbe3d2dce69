// Where names outside the cluster go: the host's resolvers from its resolv.conf (kubeadm's
// `forward . /etc/resolv.conf`), minus anything that would send a query back to this server.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { canonicalAddress } from './names.js';

export interface HostPort {
  host: string;
  port: number;
}

/** The nameserver lines of a resolv.conf, in order (scoped IPv6 addresses are kept as written). */
export function nameservers(resolvConf: string): string[] {
  const out: string[] = [];
  for (const raw of resolvConf.split('\n')) {
    const fields = raw.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (fields[0] === 'nameserver' && fields[1] && isIP(fields[1].split('%')[0]!)) out.push(fields[1]);
  }
  return out;
}

export interface UpstreamFilter {
  /** The addresses this server answers on. */
  listen: HostPort[];
  /** The cluster DNS service IPs: on a node they lead back to this node's DNS. */
  clusterDNS: string[];
}

/**
 * The resolvers to forward to, without this server itself or the cluster DNS service (a host
 * whose resolv.conf points at the cluster DNS would otherwise loop).
 */
export function upstreamsFrom(servers: HostPort[], filter: UpstreamFilter): { upstreams: HostPort[]; dropped: HostPort[] } {
  const key = (host: string, port: number) => `${canonicalAddress(host.split('%')[0]!) ?? host}|${port}`;
  const self = new Set(filter.listen.map((l) => key(l.host, l.port)));
  const cluster = new Set(filter.clusterDNS.map((ip) => key(ip, 53)));
  const upstreams: HostPort[] = [];
  const dropped: HostPort[] = [];
  for (const s of servers) (self.has(key(s.host, s.port)) || cluster.has(key(s.host, s.port)) ? dropped : upstreams).push(s);
  return { upstreams, dropped };
}

/** The host's nameservers (port 53) from a resolv.conf file ('' or an unreadable file: none). */
export function readNameservers(path: string): HostPort[] {
  if (!path) return [];
  try {
    return nameservers(readFileSync(path, 'utf8')).map((host) => ({ host, port: 53 }));
  } catch {
    return [];
  }
}
