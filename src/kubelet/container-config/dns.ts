// The pod's resolver configuration per dnsPolicy, as upstream's dns.Configurer forms it,
// including the libc limits on nameservers and the search line.
import { readFileSync } from 'node:fs';
import type { Pod, PodDNSConfig } from '../../api/core/v1/pod/types.js';
import type { EventRecorder } from '../../client/events.js';
import type { DNSConfig } from '../runtime.js';

export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const MAX_SEARCH_DOMAIN_LENGTH = 253;
const MAX_RESOLV_CONF_LENGTH = 10 * 1 << 20;
const DEFAULT_DNS_OPTIONS = ['ndots:5'];

export interface DNSSettings {
  clusterDNS: string[];
  clusterDomain: string;
  /** The host's resolv.conf path (kubelet's --resolv-conf); '' means none: the pod gets 127.0.0.1. */
  hostResolvConf?: string;
  recorder?: Pick<EventRecorder, 'event'>;
}

/** `options` entries keyed by name: a later one replaces an earlier one of the same name. */
function appendOptions(options: string[], more: string[]): string[] {
  const byName = new Map<string, string>();
  for (const o of [...options, ...more]) byName.set(o.split(':')[0]!, o);
  return [...byName.values()];
}

/** Upstream's parseResolvConf: nameservers accumulate, the last search line wins, options merge by name. */
export function parseResolvConf(text: string): DNSConfig {
  const cfg: DNSConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.slice(0, MAX_RESOLV_CONF_LENGTH).split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    const fields = line.split(/\s+/).filter(Boolean);
    if (!fields.length) continue;
    if (fields[0] === 'nameserver' && fields[1]) cfg.servers.push(fields[1]);
    if (fields[0] === 'search') cfg.searches = fields.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (fields[0] === 'options') cfg.options = appendOptions(cfg.options, fields.slice(1));
  }
  return cfg;
}

const omitDuplicates = (xs: string[]): string[] => [...new Set(xs)];

function hostDNSConfig(path: string): DNSConfig {
  if (!path) return { servers: [], searches: [], options: [] };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // A host without a resolv.conf resolves nothing by itself; the pod inherits that.
  }
  return parseResolvConf(text);
}

function mergeDNSOptions(existing: string[], extra: PodDNSConfig['options']): string[] {
  const byName = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i === -1) byName.set(op, '');
    else byName.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of extra ?? []) byName.set(op.name ?? '', op.value ?? '');
  return [...byName].map(([name, value]) => (value ? `${name}:${value}` : name));
}

type DNSType = 'none' | 'cluster' | 'host';

function podDNSType(pod: Pod): DNSType {
  switch (pod.spec?.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'ClusterFirst':
      return pod.spec?.hostNetwork ? 'host' : 'cluster';
    case 'Default':
      return 'host';
    default:
      return 'cluster';
  }
}

function fitSearches(searches: string[], pod: Pod, s: DNSSettings): string[] {
  let exceeded = false;
  let out = searches;
  if (out.length > MAX_DNS_SEARCH_PATHS) {
    out = out.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  // Some libcs abort on a search domain longer than a DNS name may be.
  const kept = out.filter((d) => d.length <= MAX_SEARCH_DOMAIN_LENGTH);
  if (kept.length !== out.length) exceeded = true;
  out = kept;
  const lineLength = out.join(' ').length;
  if (lineLength > MAX_DNS_SEARCH_LIST_CHARS) {
    let cut = 0;
    let cutLength = 0;
    for (let i = out.length - 1; i >= 0; i--) {
      cutLength += out[i]!.length + 1;
      cut++;
      if (lineLength - cutLength <= MAX_DNS_SEARCH_LIST_CHARS) break;
    }
    out = out.slice(0, out.length - cut);
    exceeded = true;
  }
  if (exceeded) {
    s.recorder?.event(pod, 'Warning', 'DNSConfigForming', `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}`);
  }
  return out;
}

function fitServers(servers: string[], pod: Pod, s: DNSSettings): string[] {
  if (servers.length <= MAX_DNS_NAMESERVERS) return servers;
  const out = servers.slice(0, MAX_DNS_NAMESERVERS);
  s.recorder?.event(pod, 'Warning', 'DNSConfigForming', `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${out.join(' ')}`);
  return out;
}

/** Upstream's GetPodDNS. */
export function podDNSConfig(pod: Pod, s: DNSSettings): DNSConfig {
  const resolvConf = s.hostResolvConf ?? '/etc/resolv.conf';
  let cfg = hostDNSConfig(resolvConf);
  let type = podDNSType(pod);
  if (type === 'none') cfg = { servers: [], searches: [], options: [] };
  if (type === 'cluster') {
    if (s.clusterDNS.length) {
      const domain = s.clusterDomain;
      const cluster = domain ? [`${pod.metadata.namespace}.svc.${domain}`, `svc.${domain}`, domain] : [];
      cfg = { servers: [...s.clusterDNS], searches: omitDuplicates([...cluster, ...cfg.searches]), options: [...DEFAULT_DNS_OPTIONS] };
    } else {
      const msg = `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;
      const m = pod.metadata;
      s.recorder?.event(pod, 'Warning', 'MissingClusterDNS', `pod: "${m.name}_${m.namespace}(${m.uid})". ${msg}`);
      type = 'host';
    }
  }
  if (type === 'host' && resolvConf === '') {
    cfg.servers = ['127.0.0.1'];
    cfg.searches = ['.'];
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    cfg = {
      servers: omitDuplicates([...cfg.servers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...cfg.searches, ...(extra.searches ?? [])]),
      options: mergeDNSOptions(cfg.options, extra.options),
    };
  }
  return { servers: fitServers(cfg.servers, pod, s), searches: fitSearches(cfg.searches, pod, s), options: cfg.options };
}
