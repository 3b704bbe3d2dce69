// The service proxy of a node (kube-proxy): informers on Services, EndpointSlices and its own
// Node feed a change tracker; a rate-limited runner syncs the whole state through the chosen
// backend, fully at start (and hourly, and after a failure), incrementally otherwise.
import type { Node, Service } from '../api/core/v1/types.js';
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import { Informer } from '../client/informer.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { R } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { ChangeTracker } from './change-tracker.js';
import { deleteFlows, staleUdpFlows, udpTargets, type UdpTargets } from './conntrack.js';
import { HealthCheckServers } from './health-check.js';
import { DEFAULT_IPTABLES_PREFIX, IptablesProxier } from './iptables/proxier.js';
import { DEFAULT_PROXY_CONFIG, type ProxyConfig } from './model.js';
import { DEFAULT_NFT_TABLE, NftablesProxier } from './nftables/proxier.js';
import type { Proxier, ProxyMode, SyncResult } from './proxier.js';
import { DEFAULT_SYNC_RUNNER, SyncedGenerations, SyncRunner, type SyncRunnerOptions } from '../util/netfilter/sync-runner.js';

/** Upstream re-writes everything now and then even when it believes nothing drifted. */
const FULL_SYNC_PERIOD_MS = 60 * 60 * 1000;

export interface ServiceProxyOptions {
  mode?: ProxyMode;
  nodeName: string;
  /** --cluster-cidr: traffic to services from outside it is masqueraded. */
  clusterCIDR?: string;
  masqueradeAll?: boolean;
  /** nftables table (default "kube-proxy"). */
  table?: string;
  /** iptables chain prefix (default "KUBE"). */
  chainPrefix?: string;
  runner?: Partial<SyncRunnerOptions>;
  log?: (line: string) => void;
  /** Told after every sync that wrote. */
  onSync?: (s: SyncRecord) => void;
}

export interface SyncRecord extends SyncResult {
  ms: number;
}

export class ServiceProxy {
  readonly tracker: ChangeTracker;
  readonly proxier: Proxier;
  private readonly runner: SyncRunner;
  private readonly health: HealthCheckServers;
  private readonly cfg: ProxyConfig;
  private ready = false;
  private lastFull = 0;
  private udp: UdpTargets = new Map();
  private readonly generations = new SyncedGenerations();
  lastSync?: SyncRecord;
  syncs = 0;

  constructor(private readonly o: ServiceProxyOptions) {
    const log = o.log ?? (() => undefined);
    this.cfg = { ...DEFAULT_PROXY_CONFIG, clusterCIDR: o.clusterCIDR, masqueradeAll: o.masqueradeAll ?? false };
    this.proxier = (o.mode ?? 'nftables') === 'nftables' ? new NftablesProxier(o.table ?? DEFAULT_NFT_TABLE, this.cfg, 'nft', log) : new IptablesProxier(o.chainPrefix ?? DEFAULT_IPTABLES_PREFIX, this.cfg);
    this.health = new HealthCheckServers(log);
    this.tracker = new ChangeTracker(o.nodeName, () => {
      this.generations.bump();
      if (this.ready) this.runner.request();
    });
    this.runner = new SyncRunner(() => this.syncOnce(), { ...DEFAULT_SYNC_RUNNER, ...o.runner }, (err) => log(`proxy sync failed (full sync next): ${(err as Error).message}`));
  }

  /** The informers have the whole picture: the first (full) sync may run. */
  start(): void {
    this.ready = true;
    this.runner.request(0);
  }

  /** Resolves once a sync that saw every change made before this call has been written. */
  flushed(): Promise<void> {
    return this.generations.flushed();
  }

  private async syncOnce(): Promise<void> {
    const started = performance.now();
    const generation = this.generations.current();
    const state = this.tracker.current();
    const full = Date.now() - this.lastFull > FULL_SYNC_PERIOD_MS;
    const result = await this.proxier.sync(state, { full });
    if (result.full) this.lastFull = Date.now();
    this.health.reconcile(state);
    const udp = udpTargets(state);
    const stale = staleUdpFlows(this.udp, udp);
    this.udp = udp;
    if (stale.length) await deleteFlows(stale);
    this.syncs++;
    this.lastSync = { ...result, ms: performance.now() - started };
    if (result.bytes) this.o.onSync?.(this.lastSync);
    this.generations.done(generation);
  }

  healthCheckPorts(): number[] {
    return this.health.ports();
  }

  /** Stop syncing; with `cleanup`, remove every rule this proxy wrote. */
  async stop(opts: { cleanup?: boolean } = {}): Promise<void> {
    this.runner.stop();
    this.health.close();
    this.proxier.close?.();
    if (opts.cleanup) await this.proxier.cleanup();
  }
}

export interface RunningServiceProxy {
  proxy: ServiceProxy;
  stop(opts?: { cleanup?: boolean }): Promise<void>;
}

/** A proxy with its own API connection, running until stopped (first sync once the informers have synced). */
export async function startServiceProxy(config: ClientConfig, opts: ServiceProxyOptions): Promise<RunningServiceProxy> {
  const client = new RestClient(config, 'k8ts-proxy');
  const proxy = new ServiceProxy(opts);
  const t = proxy.tracker;
  const services = new Informer<Service>(client, R.services);
  services.addHandlers({ add: (s) => t.setService(s), update: (_o, s) => t.setService(s), delete: (s) => t.deleteService(s) });
  const slices = new Informer<EndpointSlice>(client, R.endpointslices);
  slices.addHandlers({ add: (s) => t.setSlice(s), update: (_o, s) => t.setSlice(s), delete: (s) => t.deleteSlice(s) });
  const nodes = new Informer<Node>(client, R.nodes, { fieldSelector: `metadata.name=${opts.nodeName}` });
  nodes.addHandlers({ add: (n) => t.setNode(n), update: (_o, n) => t.setNode(n), delete: () => t.setNode(undefined) });
  const informers = [services, slices, nodes];
  for (const i of informers) i.start();
  await Promise.all(informers.map((i) => i.waitForSync()));
  proxy.start();
  return {
    proxy,
    async stop(stopOpts = {}) {
      for (const i of informers) i.stop();
      await proxy.stop(stopOpts);
      client.close();
    },
  };
}
