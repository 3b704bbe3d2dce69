// Where an APIService's requests go: its Service's endpoint, as upstream's ResolveEndpoint with
// --enable-aggregator-routing (the control plane need not run a service proxy): the Service port
// numbered spec.service.port, then a ready address of its Endpoints at the port of that name.
import type { Endpoints, Service } from '../../api/core/v1/types.js';
import type { ServiceReference } from '../../api/apiregistration/v1/types.js';
import { objectKey, type Registry } from '../registry/registry.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

export interface ServiceLookup {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
}

/** Services and Endpoints read from the watch cache (no request LISTs or GETs). */
export function cachedServiceLookup(registry: Registry, cache: WatchCache): ServiceLookup {
  const svcEntry = registry.lookup('', 'v1', 'services')!;
  const epEntry = registry.lookup('', 'v1', 'endpoints')!;
  return {
    service: (ns, name) => cache.resource(svcEntry.keyPrefix).items.get(objectKey(svcEntry, ns, name))?.obj as Service | undefined,
    endpoints: (ns, name) => cache.resource(epEntry.keyPrefix).items.get(objectKey(epEntry, ns, name))?.obj as Endpoints | undefined,
  };
}

export type Resolution =
  | { ok: true; host: string; port: number; serverName: string }
  | { ok: false; reason: 'ServiceNotFound' | 'ServicePortError' | 'MissingEndpoints'; message: string };

export function resolveService(ref: ServiceReference, get: ServiceLookup, random: (n: number) => number = (n) => Math.floor(Math.random() * n)): Resolution {
  const ns = ref.namespace ?? '';
  const name = ref.name ?? '';
  const port = ref.port ?? 443;
  const svc = get.service(ns, name);
  if (!svc) return { ok: false, reason: 'ServiceNotFound', message: `service/${name} in ${JSON.stringify(ns)} is not present` };
  const svcPort = (svc.spec?.ports ?? []).find((p) => p.port === port);
  if (!svcPort) return { ok: false, reason: 'ServicePortError', message: `service/${name} in ${JSON.stringify(ns)} is not listening on port ${port}` };
  const serverName = `${name}.${ns}.svc`;
  const eps = get.endpoints(ns, name);
  if (!eps) return { ok: false, reason: 'MissingEndpoints', message: `endpoints for service/${name} in ${JSON.stringify(ns)} not found` };
  const portName = svcPort.name ?? '';
  const candidates: { host: string; port: number }[] = [];
  for (const ss of eps.subsets ?? []) {
    const p = (ss.ports ?? []).find((x) => (x.name ?? '') === portName);
    if (!p) continue;
    for (const a of ss.addresses ?? []) candidates.push({ host: a.ip, port: p.port });
  }
  if (!candidates.length) return { ok: false, reason: 'MissingEndpoints', message: `endpoints for service/${name} in ${JSON.stringify(ns)} have no addresses with port name ${JSON.stringify(portName)}` };
  const pick = candidates[random(candidates.length)]!;
  return { ok: true, ...pick, serverName };
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
