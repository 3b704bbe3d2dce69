// From the caches to what the data plane serves: virtual servers by host, their locations, the
// upstreams (a Service port's ready endpoints, as ingress-nginx balances them: not through the
// ClusterIP), the TLS certificates, and the problems each Ingress has (a missing Service or
// Secret), which become Events. Pure: the whole routing table is recomputed from the caches on
// every change, so what is served is always a function of the current state (level-based).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Secret, Service, ServicePort } from '../api/core/v1/types.js';
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass } from '../api/networking/v1/types.js';

export const CONTROLLER_NAME = 'k8ts.io/ingress-controller';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The pre-v1 way of naming a class, still honoured by ingress-nginx when spec.ingressClassName is unset. */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** What answers a location: an upstream, or a status of our own (503 for a backend that is not there). */
export type Target = { upstream: string } | { status: 404 | 503 };

export interface Location {
  /** nginx's match: `= /a` (exact) or `/a/` (prefix), `/` the catch-all. */
  match: string;
  target: Target;
  /** "namespace/name" of the Ingress the location came from. */
  from: string;
}

export interface VirtualServer {
  /** "" is the catch-all server (requests with no matching host, and rules without a host). */
  host: string;
  locations: Location[];
  /** Certificate id (see `certs`), or undefined for the default certificate. */
  cert?: string;
}

export interface Upstream {
  name: string;
  /** "ip:port", in a stable order. */
  servers: string[];
}

export interface Problem {
  type: 'Warning';
  reason: string;
  message: string;
}

export interface RoutingModel {
  servers: VirtualServer[];
  upstreams: Upstream[];
  certs: Map<string, { cert: string; key: string }>;
  /** By Ingress key: what could not be served as written. */
  problems: Map<string, Problem[]>;
  /** Keys of the Ingresses this controller serves (their status gets the node addresses). */
  served: string[];
}

export interface ClusterView {
  ingresses: Ingress[];
  classes: IngressClass[];
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, service: string): EndpointSlice[];
  secret(namespace: string, name: string): Secret | undefined;
}

const keyOf = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** The class names this controller serves, and the default one (for Ingresses naming none). */
export function ourClasses(classes: IngressClass[]): { names: Set<string>; isDefault: boolean } {
  const mine = classes.filter((c) => c.spec?.controller === CONTROLLER_NAME && !c.metadata.deletionTimestamp);
  return { names: new Set(mine.map((c) => c.metadata.name ?? '')), isDefault: mine.some((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true') };
}

/** Whether we serve this Ingress: its class is ours, or it names none and our class is the default. */
export function isOurs(ing: Ingress, classes: { names: Set<string>; isDefault: boolean }): boolean {
  const named = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  return named ? classes.names.has(named) : classes.isDefault;
}

/** Oldest first, then by key: on conflicting rules the oldest Ingress wins, as in ingress-nginx. */
function byAge(a: Ingress, b: Ingress): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
}

// Characters a path may carry into the nginx configuration unquoted-safe (RFC 3986 pchar and "/").
const SAFE_PATH = /^\/[A-Za-z0-9\-._~!&'()*+,=:@/%]*$/;

/**
 * nginx matches for a path, with their rank (lower wins on the same match): Exact before Prefix
 * before a defaultBackend, as the Ingress API orders them. Prefix matching is element-wise
 * ("/foo" matches "/foo" and "/foo/bar", not "/foobar"); ImplementationSpecific is Prefix, as in
 * ingress-nginx. A trailing slash in a Prefix path is ignored.
 */
export function matchesFor(path: string, pathType: string): { match: string; rank: number }[] {
  if (pathType === 'Exact') return [{ match: `= ${path}`, rank: 0 }];
  const p = path.replace(/\/+$/, '');
  if (p === '') return [{ match: '/', rank: 1 }];
  return [
    { match: `= ${p}`, rank: 1 },
    { match: `${p}/`, rank: 1 },
  ];
}

export function buildModel(view: ClusterView): RoutingModel {
  const classes = ourClasses(view.classes);
  const ingresses = view.ingresses.filter((i) => !i.metadata.deletionTimestamp && isOurs(i, classes)).sort(byAge);
  const problems = new Map<string, Problem[]>();
  const warn = (ing: Ingress, reason: string, message: string) => {
    const k = keyOf(ing);
    const list = problems.get(k) ?? [];
    if (!list.some((p) => p.reason === reason && p.message === message)) list.push({ type: 'Warning', reason, message });
    problems.set(k, list);
  };
  const upstreams = new Map<string, Upstream>();
  const certs = new Map<string, { cert: string; key: string }>();
  // host → match → the best candidate so far.
  const hosts = new Map<string, Map<string, Location & { rank: number; order: number }>>();
  const hostCerts = new Map<string, string>();

  const put = (host: string, match: string, rank: number, order: number, target: Target, from: string) => {
    let locs = hosts.get(host);
    if (!locs) hosts.set(host, (locs = new Map()));
    const prior = locs.get(match);
    if (prior && (prior.rank < rank || (prior.rank === rank && prior.order <= order))) return;
    locs.set(match, { match, target, from, rank, order });
  };

  const resolve = (ing: Ingress, backend: IngressBackend | undefined, where: string): Target => {
    const ns = ing.metadata.namespace ?? 'default';
    if (!backend?.service) {
      warn(ing, 'UnsupportedBackend', `${where}: only Service backends are served; answering 503`);
      return { status: 503 };
    }
    const { name, port } = backend.service;
    const svc = view.service(ns, name);
    if (!svc) {
      warn(ing, 'ServiceNotFound', `${where}: service "${ns}/${name}" not found; answering 503`);
      return { status: 503 };
    }
    const sp: ServicePort | undefined = svc.spec?.ports?.find((p) => (port?.name ? p.name === port.name : p.port === port?.number));
    if (!sp) {
      warn(ing, 'ServicePortNotFound', `${where}: service "${ns}/${name}" has no port ${port?.name ?? port?.number}; answering 503`);
      return { status: 503 };
    }
    const upstreamName = `${ns}_${name}_${sp.port}`;
    if (!upstreams.has(upstreamName)) upstreams.set(upstreamName, { name: upstreamName, servers: readyEndpoints(view.slices(ns, name), sp) });
    // No ready endpoint: 503 at once, as ingress-nginx answers, rather than a connect error.
    return upstreams.get(upstreamName)!.servers.length ? { upstream: upstreamName } : { status: 503 };
  };

  ingresses.forEach((ing, order) => {
    const from = keyOf(ing);
    const ns = ing.metadata.namespace ?? 'default';
    const ruleHosts = new Set<string>();
    for (const rule of ing.spec?.rules ?? []) {
      const host = rule.host ?? '';
      ruleHosts.add(host);
      for (const p of rule.http?.paths ?? ([] as HTTPIngressPath[])) {
        const path = p.path || '/';
        if (!SAFE_PATH.test(path)) {
          warn(ing, 'UnsupportedPath', `path ${JSON.stringify(path)} has characters the data plane does not route; skipped`);
          continue;
        }
        const target = resolve(ing, p.backend, `${host || '*'}${path}`);
        for (const m of matchesFor(path, p.pathType ?? 'ImplementationSpecific')) put(host, m.match, m.rank, order, target, from);
      }
    }
    if (ing.spec?.defaultBackend) {
      const target = resolve(ing, ing.spec.defaultBackend, 'defaultBackend');
      // The Ingress's own hosts send what no path matched there; the catch-all server takes the oldest one.
      for (const host of new Set([...ruleHosts, ''])) put(host, '/', 2, order, target, from);
    }
    for (const tls of ing.spec?.tls ?? []) {
      const tlsHosts = tls.hosts?.length ? tls.hosts : [...ruleHosts].filter((h) => h);
      if (!tls.secretName) continue;
      const id = `${ns}-${tls.secretName}`;
      const problem = certProblem(view.secret(ns, tls.secretName));
      if (problem) {
        warn(ing, problem.reason, `TLS secret "${ns}/${tls.secretName}" ${problem.message}; serving the default certificate for ${tlsHosts.join(', ') || 'its hosts'}`);
        continue;
      }
      const s = view.secret(ns, tls.secretName)!;
      certs.set(id, { cert: decode(s.data!['tls.crt']!), key: decode(s.data!['tls.key']!) });
      for (const h of tlsHosts) if (!hostCerts.has(h)) hostCerts.set(h, id);
    }
  });

  hosts.get('') ?? hosts.set('', new Map());
  for (const h of hostCerts.keys()) if (!hosts.has(h)) hosts.set(h, new Map());
  const servers: VirtualServer[] = [...hosts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([host, locs]) => {
    const locations = [...locs.values()].map(({ match, target, from }) => ({ match, target, from }));
    // What no rule matches is the default backend's: 404.
    if (!locs.has('/')) locations.push({ match: '/', target: { status: 404 }, from: '' });
    locations.sort((a, b) => (a.match < b.match ? -1 : a.match > b.match ? 1 : 0));
    return { host, locations, cert: hostCerts.get(host) };
  });
  const used = new Set(servers.flatMap((s) => s.locations.flatMap((l) => ('upstream' in l.target ? [l.target.upstream] : []))));
  return {
    servers,
    upstreams: [...upstreams.values()].filter((u) => used.has(u.name)).sort((a, b) => (a.name < b.name ? -1 : 1)),
    certs,
    problems,
    served: ingresses.map(keyOf),
  };
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** Why a Secret cannot serve TLS, or undefined when it can (a pair the data plane would refuse must not reach it). */
export function certProblem(s: Secret | undefined): { reason: string; message: string } | undefined {
  if (!s) return { reason: 'SecretNotFound', message: 'not found' };
  const crt = s.data?.['tls.crt'];
  const key = s.data?.['tls.key'];
  if (!crt || !key) return { reason: 'InvalidSecret', message: 'has no tls.crt and tls.key' };
  try {
    const x = new X509Certificate(decode(crt));
    if (!x.checkPrivateKey(createPrivateKey(decode(key)))) return { reason: 'InvalidSecret', message: 'holds a key that does not match its certificate' };
  } catch (err) {
    return { reason: 'InvalidSecret', message: `holds no usable PEM certificate and key (${(err as Error).message})` };
  }
  return undefined;
}

/** A Service port's ready endpoints ("ip:targetPort", sorted), the servers of its upstream. */
export function readyEndpoints(slices: EndpointSlice[], sp: ServicePort): string[] {
  const servers = new Set<string>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const ep = slice.ports?.find((p) => (p.name ?? '') === (sp.name ?? ''));
    if (!ep?.port) continue;
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false) continue;
      for (const a of e.addresses.slice(0, 1)) servers.add(slice.addressType === 'IPv6' ? `[${a}]:${ep.port}` : `${a}:${ep.port}`);
    }
  }
  return [...servers].sort();
}

/** Where the slices of a Service are found: by their service-name label. */
export const sliceServiceName = (s: EndpointSlice): string | undefined => s.metadata.labels?.[SERVICE_NAME_LABEL];
