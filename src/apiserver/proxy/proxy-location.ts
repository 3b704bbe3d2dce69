// Where a pods/, services/ or nodes/ proxy request goes, as upstream's ResourceLocation
// functions decide it (pkg/registry/core/{pod/strategy.go, service/storage, node/strategy.go}):
// the id on the URL is `[scheme:]name[:port]`, resolved to a pod IP, one ready endpoint of the
// Service, or the node's kubelet (or another port on the node).
import { isIP } from 'node:net';
import type { Endpoints, Service } from '../../api/core/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { ApiError, errors } from '../errors.js';
import type { KubeletClientCert, KubeletEndpoint } from './kubelet-endpoint.js';

export interface ProxyLocation {
  scheme: 'http' | 'https';
  host: string;
  /** A port number, or as the id gave it; undefined: the scheme's default. */
  port?: string;
  /** The client certificate to present (the kubelet's own port); server certificates are not verified. */
  clientCert?: KubeletClientCert;
}

export interface SchemeNamePort {
  scheme: '' | 'http' | 'https';
  name: string;
  port: string;
}

/** utilnet.SplitSchemeNamePort: `name`, `name:port` or `scheme:name:port`; undefined when not valid. */
export function splitSchemeNamePort(id: string): SchemeNamePort | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (!name || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme: scheme as SchemeNamePort['scheme'], name, port };
}

function parseSplit(id: string, what: 'pod' | 'service' | 'node'): SchemeNamePort {
  const s = splitSchemeNamePort(id);
  if (!s) throw errors.badRequest(`invalid ${what} request ${JSON.stringify(id)}`);
  return s;
}

function serviceUnavailable(message: string): ApiError {
  return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, reason: 'ServiceUnavailable', code: 503 });
}

function ipv4Octets(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Go's net.IP.IsGlobalUnicast, which upstream's proxy asks of a pod IP (private ranges count). */
export function isGlobalUnicast(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) {
    const [a, b] = ipv4Octets(ip) as [number, number, number, number];
    if (ip === '0.0.0.0' || ip === '255.255.255.255') return false;
    if (a === 127 || a >= 224) return false;
    return !(a === 169 && b === 254);
  }
  if (family === 6) {
    const v = ip.toLowerCase();
    if (v === '::' || v === '::1') return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
    if (mapped) return isGlobalUnicast(mapped[1]!);
    if (v.startsWith('ff')) return false;
    return !/^fe[89ab]/.test(v);
  }
  return false;
}

/** status.podIPs, or podIP alone as upstream's conversion fills podIPs from it. */
function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
  return ips.length ? ips : pod.status?.podIP ? [pod.status.podIP] : [];
}

function scheme(s: SchemeNamePort['scheme']): 'http' | 'https' {
  return s === 'https' ? 'https' : 'http';
}

/** Splits the id, for the pod proxy: the pod is looked up by the name part. */
export function podProxyId(id: string): SchemeNamePort {
  return parseSplit(id, 'pod');
}

/** pods/{id}/proxy: the pod's IP, at the port given or the first container port declared, else none. */
export function podLocation(pod: Pod, id: SchemeNamePort): ProxyLocation {
  let port = id.port;
  if (!port) {
    for (const c of pod.spec?.containers ?? []) {
      const first = c.ports?.[0];
      if (first) {
        port = String(first.containerPort);
        break;
      }
    }
  }
  const podIP = podIPs(pod)[0] ?? '';
  if (!isGlobalUnicast(podIP)) throw errors.badRequest('address not allowed');
  return { scheme: scheme(id.scheme), host: podIP, port: port || undefined };
}

/** What the service proxy reads, as the caller's store answers (a missing object is its 404). */
export interface ServiceLookups {
  service(name: string): Promise<Service>;
  endpoints(name: string): Promise<Endpoints>;
  /** The pod, or undefined when it is gone. */
  pod(name: string): Promise<Pod | undefined>;
}

/** services/{id}/proxy: a random ready address of the Service's Endpoints, at the target port of the port named. */
export async function serviceLocation(idText: string, namespace: string, get: ServiceLookups, random: (n: number) => number = (n) => Math.floor(Math.random() * n)): Promise<ProxyLocation> {
  const id = parseSplit(idText, 'service');
  let portName = id.port;
  // A port number names the Service port with that number; the endpoints carry its name.
  if (/^[+-]?\d+$/.test(id.port)) {
    const portNum = Number(id.port);
    const svc = await get.service(id.name);
    const match = (svc.spec?.ports ?? []).find((p) => p.port === portNum);
    if (!match) throw serviceUnavailable(`no service port ${portNum} found for service ${JSON.stringify(id.name)}`);
    portName = match.name ?? '';
  }
  const eps = await get.endpoints(id.name);
  const subsets = eps.subsets ?? [];
  if (!subsets.length) throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(id.name)}`);
  const seed = random(subsets.length);
  for (let i = 0; i < subsets.length; i++) {
    const ss = subsets[(seed + i) % subsets.length]!;
    const addresses = ss.addresses ?? [];
    if (!addresses.length) continue;
    const port = (ss.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (!port) continue;
    const addrSeed = random(addresses.length);
    for (let t = 0; t < addresses.length; t++) {
      const addr = addresses[(addrSeed + t) % addresses.length]!;
      // Only addresses that are this namespace's pods, at the IP the pod has, are proxied to.
      const ref = addr.targetRef;
      if (!ref || ref.namespace !== namespace || !ref.name) continue;
      const pod = await get.pod(ref.name);
      if (!pod || !podIPs(pod).includes(addr.ip)) continue;
      return { scheme: scheme(id.scheme), host: addr.ip, port: String(port.port) };
    }
  }
  throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(idText)}`);
}

/** Splits the id, for the node proxy: the node is looked up by the name part. */
export function nodeProxyId(id: string): SchemeNamePort {
  return parseSplit(id, 'node');
}

/** nodes/{id}/proxy: the kubelet (its port, or none given) over TLS with our client certificate, else the port asked for. */
export function nodeLocation(kubelet: KubeletEndpoint, id: SchemeNamePort, clientCert: KubeletClientCert | undefined): ProxyLocation {
  if (!id.port || id.port === String(kubelet.port)) return { scheme: 'https', host: kubelet.host, port: String(kubelet.port), clientCert };
  return { scheme: scheme(id.scheme), host: kubelet.host, port: id.port };
}
