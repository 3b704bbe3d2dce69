// What the cluster zone is built from: Services and EndpointSlices, indexed by service and by
// address, with one revision that moves on every change. Informers feed it in a running DNS,
// tests feed it directly; the revision is what answers cached as bytes are checked against.
import type { Service } from '../api/core/v1/types.js';
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import { canonicalAddress, dashedAddress } from './names.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** One ready address of a service, with the label that names it under the service. */
export interface ServiceEndpoint {
  ip: string;
  /** The endpoint's hostname, else its dashed address (CoreDNS's endpointHostname). */
  hostname: string;
  /** The slice's ports (a portless slice contributes no SRV records). */
  ports: { name: string; protocol: string; port: number }[];
}

const serviceKey = (namespace: string, name: string): string => `${namespace}/${name}`;

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  s?.delete(v);
  if (s?.size === 0) m.delete(k);
}

export class ClusterState {
  private rev = 0;
  private modified = Math.floor(Date.now() / 1000);
  private readonly services = new Map<string, Service>();
  /** service key → slice key → slice */
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();
  private readonly sliceOwner = new Map<string, string>();
  private readonly byClusterIP = new Map<string, Set<string>>();
  private readonly byEndpointIP = new Map<string, Set<string>>();

  /** Moves on every change; an answer computed at one revision is valid until it moves. */
  get revision(): number {
    return this.rev;
  }

  /** The time of the last change in Unix seconds: the zone's SOA serial, as CoreDNS makes it. */
  get modifiedAt(): number {
    return this.modified;
  }

  private bump(): void {
    this.rev++;
    this.modified = Math.floor(Date.now() / 1000);
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(serviceKey(namespace, name));
  }

  upsertService(svc: Service): void {
    const key = serviceKey(svc.metadata.namespace ?? '', svc.metadata.name ?? '');
    const old = this.services.get(key);
    if (old) for (const ip of clusterIPs(old)) removeFrom(this.byClusterIP, ip, key);
    this.services.set(key, svc);
    for (const ip of clusterIPs(svc)) addTo(this.byClusterIP, ip, key);
    this.bump();
  }

  removeService(svc: Service): void {
    const key = serviceKey(svc.metadata.namespace ?? '', svc.metadata.name ?? '');
    const old = this.services.get(key);
    if (!old) return;
    for (const ip of clusterIPs(old)) removeFrom(this.byClusterIP, ip, key);
    this.services.delete(key);
    this.bump();
  }

  upsertSlice(slice: EndpointSlice): void {
    const sliceKey = `${slice.metadata.namespace}/${slice.metadata.name}`;
    this.dropSlice(sliceKey);
    const svcName = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (svcName && slice.addressType !== 'FQDN') {
      const owner = serviceKey(slice.metadata.namespace ?? '', svcName);
      let m = this.slices.get(owner);
      if (!m) this.slices.set(owner, (m = new Map()));
      m.set(sliceKey, slice);
      this.sliceOwner.set(sliceKey, owner);
      for (const ep of slice.endpoints ?? []) for (const a of ep.addresses ?? []) addTo(this.byEndpointIP, canonicalAddress(a) ?? a, owner);
    }
    this.bump();
  }

  removeSlice(slice: EndpointSlice): void {
    if (this.dropSlice(`${slice.metadata.namespace}/${slice.metadata.name}`)) this.bump();
  }

  private dropSlice(sliceKey: string): boolean {
    const owner = this.sliceOwner.get(sliceKey);
    if (!owner) return false;
    const m = this.slices.get(owner)!;
    const old = m.get(sliceKey)!;
    for (const ep of old.endpoints ?? []) for (const a of ep.addresses ?? []) removeFrom(this.byEndpointIP, canonicalAddress(a) ?? a, owner);
    m.delete(sliceKey);
    if (m.size === 0) this.slices.delete(owner);
    this.sliceOwner.delete(sliceKey);
    return true;
  }

  /**
   * The ready endpoints of a service across its slices, one per address (a later slice's copy of
   * an address is dropped). publishNotReadyAddresses makes every endpoint count as ready, for
   * slices whose writer did not already say so.
   */
  endpoints(svc: Service): ServiceEndpoint[] {
    const m = this.slices.get(serviceKey(svc.metadata.namespace ?? '', svc.metadata.name ?? ''));
    if (!m) return [];
    const anyReady = svc.spec?.publishNotReadyAddresses === true;
    const seen = new Set<string>();
    const out: ServiceEndpoint[] = [];
    for (const slice of [...m.values()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
      const ports = (slice.ports ?? []).filter((p) => typeof p.port === 'number').map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port! }));
      for (const ep of slice.endpoints ?? []) {
        // A nil ready condition means ready, as the EndpointSlice API defines it.
        if (!anyReady && ep.conditions?.ready === false) continue;
        for (const raw of ep.addresses ?? []) {
          const ip = canonicalAddress(raw);
          if (!ip || seen.has(ip)) continue;
          seen.add(ip);
          out.push({ ip, hostname: ep.hostname || dashedAddress(ip), ports });
        }
      }
    }
    return out;
  }

  /** Services whose cluster IP is `ip` (canonical), in name order. */
  servicesWithClusterIP(ip: string): Service[] {
    return this.lookupKeys(this.byClusterIP.get(ip));
  }

  /** Services with an endpoint at `ip` (canonical), in name order. */
  servicesWithEndpointIP(ip: string): Service[] {
    return this.lookupKeys(this.byEndpointIP.get(ip));
  }

  private lookupKeys(keys: Set<string> | undefined): Service[] {
    if (!keys) return [];
    const out: Service[] = [];
    for (const k of [...keys].sort()) {
      const s = this.services.get(k);
      if (s) out.push(s);
    }
    return out;
  }
}

/** The service's cluster IPs in canonical text (none for headless and ExternalName services). */
export function clusterIPs(svc: Service): string[] {
  if (svc.spec?.type === 'ExternalName') return [];
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  const out: string[] = [];
  for (const ip of ips) {
    const c = ip === 'None' ? undefined : canonicalAddress(ip);
    if (c) out.push(c);
  }
  return out;
}

export const isHeadless = (svc: Service): boolean => svc.spec?.type !== 'ExternalName' && (svc.spec?.clusterIP === 'None' || svc.spec?.clusterIPs?.[0] === 'None');
