// The `kubernetes` Service's endpoints when several API servers share one datastore, as
// upstream's lease endpoint reconciler keeps them (--endpoint-reconciler-type=lease): each
// server renews a lease of its own address every 10 s, valid 15 s (upstream's
// master-endpoint-reconcile-ttl), and writes the Endpoints and the EndpointSlice to the addresses
// of the leases still live. A server that stops takes its address out at once; one that dies drops
// out when its lease lapses. The leases are coordination Leases in kube-system, so they are seen
// with kubectl; agents learn the servers from these endpoints (their client-side load balancer).
import type { KubeObject } from '../api/meta/types.js';
import { rfc3339Micro } from '../util/time.js';
import { ApiError } from './errors.js';
import type { Registry } from './registry/registry.js';
import type { ResourceStore } from './rest/resource-store.js';

export const ENDPOINT_LEASE_LABEL = 'k8ts.io/apiserver-endpoint';
const OWN = { fieldManager: 'kube-apiserver' };
const TTL_SECONDS = 15;
const INTERVAL_MS = 10_000;

interface LeaseObject extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

export interface EndpointReconcilerOptions {
  /** This server's advertised address and port. */
  ip: string;
  port: number;
  clock?: () => number;
  log?: (line: string) => void;
}

export class EndpointReconciler {
  private timer?: NodeJS.Timeout;
  private readonly clock: () => number;
  private readonly name: string;

  constructor(
    private readonly registry: Registry,
    private readonly resources: ResourceStore,
    private readonly o: EndpointReconcilerOptions,
  ) {
    this.clock = o.clock ?? Date.now;
    this.name = `apiserver-endpoint-${o.ip.replace(/[:.]/g, '-')}`;
  }

  async start(): Promise<void> {
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile().catch((err: Error) => this.o.log?.(`endpoint reconciler: ${err.message}`)), INTERVAL_MS);
    this.timer.unref();
  }

  /** Takes this server out of the endpoints (a graceful stop, as upstream's RemoveEndpoints). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const leases = this.registry.lookup('coordination.k8s.io', 'v1', 'leases');
    if (!leases) return;
    await this.resources.delete(leases, 'kube-system', this.name, {}).catch(() => undefined);
    await this.writeEndpoints(await this.liveAddresses(false)).catch(() => undefined);
  }

  async reconcile(): Promise<void> {
    await this.renewOwnLease();
    await this.writeEndpoints(await this.liveAddresses(true));
  }

  private async renewOwnLease(): Promise<void> {
    const leases = this.registry.lookup('coordination.k8s.io', 'v1', 'leases')!;
    const spec = { holderIdentity: `${this.o.ip}:${this.o.port}`, leaseDurationSeconds: TTL_SECONDS, renewTime: rfc3339Micro(this.clock()) };
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: 'kube-system', labels: { [ENDPOINT_LEASE_LABEL]: 'true' } }, spec };
    try {
      await this.resources.create(leases, lease, OWN);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      await this.resources.update(leases, 'kube-system', this.name, (cur) => ({ ...cur, spec: { ...(cur as LeaseObject).spec, ...spec } }), OWN);
    }
  }

  /** The addresses of the live leases (this server's own included or not), sorted. */
  private async liveAddresses(includeSelf: boolean): Promise<string[]> {
    const leases = this.registry.lookup('coordination.k8s.io', 'v1', 'leases')!;
    const now = this.clock();
    const page = await this.resources.list(leases, { namespace: 'kube-system', predicate: (o) => o.metadata.labels?.[ENDPOINT_LEASE_LABEL] === 'true' });
    const ips = new Set<string>();
    for (const { obj } of page.items) {
      const l = obj as LeaseObject;
      const holder = l.spec?.holderIdentity ?? '';
      const ip = holder.slice(0, holder.lastIndexOf(':'));
      const renewed = Date.parse(l.spec?.renewTime ?? '');
      if (!ip || Number.isNaN(renewed) || renewed + (l.spec?.leaseDurationSeconds ?? TTL_SECONDS) * 1000 < now) continue;
      if (ip === this.o.ip && !includeSelf) continue;
      ips.add(ip);
    }
    if (includeSelf) ips.add(this.o.ip);
    return [...ips].sort();
  }

  private async writeEndpoints(ips: string[]): Promise<void> {
    const endpoints = this.registry.lookup('', 'v1', 'endpoints');
    const slices = this.registry.lookup('discovery.k8s.io', 'v1', 'endpointslices');
    if (!endpoints) return;
    const port = { name: 'https', port: this.o.port, protocol: 'TCP' };
    const subsets = ips.length ? [{ addresses: ips.map((ip) => ({ ip })), ports: [port] }] : [];
    const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets };
    await upsert(this.resources, endpoints, ep, (cur) => (JSON.stringify((cur as { subsets?: unknown }).subsets ?? []) === JSON.stringify(subsets) ? cur : { ...cur, subsets }));
    if (!slices) return;
    // Upstream's endpointSliceFromEndpoints: same name, the service-name label, no managed-by.
    const family = this.o.ip.includes(':') ? 'IPv6' : 'IPv4';
    const body = { addressType: family, endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })), ports: [port] };
    const slice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } }, ...body };
    await upsert(this.resources, slices, slice, (cur) => {
      const c = cur as KubeObject & { endpoints?: unknown; ports?: unknown };
      return JSON.stringify([c.endpoints, c.ports]) === JSON.stringify([body.endpoints, body.ports]) ? cur : { ...cur, ...body };
    });
  }
}

async function upsert(resources: ResourceStore, entry: NonNullable<ReturnType<Registry['lookup']>>, obj: KubeObject, mutate: (cur: KubeObject) => KubeObject): Promise<void> {
  try {
    await resources.create(entry, obj, OWN);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
    await resources.update(entry, obj.metadata.namespace, obj.metadata.name!, mutate, OWN);
  }
}
