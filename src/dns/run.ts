// Starting the cluster DNS of one node: informers on Services and EndpointSlices feed the zone,
// the listeners answer on an address the node owns (its pod-bridge gateway unless told
// otherwise), and the kube-dns Service and this node's EndpointSlice are applied and repaired.
// `k8ts dns` runs it alone; a launcher (the node agent) calls startClusterDns.
import { hostname } from 'node:os';
import type { Node, Service } from '../api/core/v1/types.js';
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import { parseCIDR } from '../api/networking/v1/cidr.js';
import { SharedInformerFactory } from '../client/informer.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { ClusterState } from './cluster-state.js';
import { Forwarder } from './forwarder.js';
import { canonicalAddress } from './names.js';
import { applyDnsEndpointSlice, applyKubeDnsService, deleteDnsEndpointSlice, DNS_NAMESPACE, DNS_SERVICE, dnsEndpointSlice, sliceName } from './publish.js';
import { Responder } from './responder.js';
import { listenDns, type DnsServer } from './server.js';
import { readNameservers, upstreamsFrom, type HostPort } from './upstreams.js';
import { ClusterZone } from './zone.js';

export const DEFAULT_CLUSTER_DNS = '10.96.0.10';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
const REPAIR_DELAY_MS = 1000;
const RETRY_MS = 5000;

export interface ClusterDnsOptions {
  client: ClientConfig;
  /** The node this instance serves (its slice is `kube-dns-<nodeName>`); default: the host name. */
  nodeName?: string;
  /** Where to answer; default: the first address of the node's podCIDR, port 53. */
  listen?: HostPort;
  /** The address the EndpointSlice names; default: the listen address. A loopback address is not published. */
  advertiseAddress?: string;
  /** The kube-dns Service's cluster IPs (kubelet's --cluster-dns). */
  clusterDNS?: string[];
  clusterDomain?: string;
  /** The host's resolv.conf, whose nameservers get the names outside the cluster. */
  resolvConf?: string;
  /** Upstreams to use instead of the resolv.conf's (loop filtering still applies). */
  upstreams?: HostPort[];
  ttl?: number;
  /** How long one upstream gets before the next (ms). */
  upstreamTimeoutMs?: number;
  log?: (line: string) => void;
  /** Gives up waiting (for the node's podCIDR, for the gateway address) once aborted: a launcher stopping before the DNS came up. */
  signal?: AbortSignal;
}

export interface RunningClusterDns {
  address: HostPort;
  state: ClusterState;
  upstreams: readonly HostPort[];
  stop(): Promise<void>;
}

export async function startClusterDns(opts: ClusterDnsOptions): Promise<RunningClusterDns> {
  const log = opts.log ?? (() => undefined);
  const nodeName = opts.nodeName ?? hostname();
  const clusterDNS = opts.clusterDNS ?? [DEFAULT_CLUSTER_DNS];
  const client = new RestClient(opts.client, 'k8ts-dns');
  const factory = new SharedInformerFactory(client);
  const state = new ClusterState();
  let stopped = false;
  opts.signal?.addEventListener('abort', () => (stopped = true), { once: true });
  let repairTimer: NodeJS.Timeout | undefined;
  let server: DnsServer | undefined;
  let forwarder: Forwarder | undefined;

  const services = factory.informerFor<Service>(R.services);
  const slices = factory.informerFor<EndpointSlice>(R.endpointslices);
  const isOurs = (o: { metadata: { namespace?: string; name?: string } }, name: string) => o.metadata.namespace === DNS_NAMESPACE && o.metadata.name === name;
  services.addHandlers({
    add: (s) => state.upsertService(s),
    update: (_o, s) => state.upsertService(s),
    delete: (s) => {
      state.removeService(s);
      if (isOurs(s, DNS_SERVICE)) scheduleRepair();
    },
  });
  slices.addHandlers({
    add: (s) => state.upsertSlice(s),
    update: (_o, s) => state.upsertSlice(s),
    delete: (s) => {
      state.removeSlice(s);
      if (isOurs(s, sliceName(nodeName))) scheduleRepair();
    },
  });

  // Publishing is level-based: applied at start, and again whenever the Service or this
  // node's slice is deleted or an apply failed.
  let ensure: (() => Promise<void>) | undefined;
  const publish = () =>
    (ensure?.() ?? Promise.resolve()).catch((err: unknown) => {
      log(`dns: applying ${DNS_NAMESPACE}/${DNS_SERVICE}: ${String(err)}`);
      scheduleRepair(RETRY_MS);
    });
  function scheduleRepair(delay = REPAIR_DELAY_MS): void {
    if (stopped || repairTimer) return;
    repairTimer = setTimeout(() => {
      repairTimer = undefined;
      void publish();
    }, delay);
  }

  const shutdown = async () => {
    stopped = true;
    if (repairTimer) clearTimeout(repairTimer);
    await server?.close();
    forwarder?.close();
    factory.stop();
    client.close();
  };

  try {
    factory.start();
    await factory.waitForSync();
    const listen = opts.listen ?? { host: await podGateway(client, nodeName, () => stopped), port: 53 };
    if (isWildcard(listen.host)) throw new Error(`the DNS must listen on an address of its own, not ${listen.host}`);
    const servers = opts.upstreams ?? readNameservers(opts.resolvConf ?? '/etc/resolv.conf');
    const { upstreams, dropped } = upstreamsFrom(servers, { listen: [listen], clusterDNS });
    if (dropped.length) log(`dns: not forwarding to ${dropped.map((u) => `${u.host}:${u.port}`).join(', ')}: that would loop back to the cluster DNS`);
    forwarder = new Forwarder({ upstreams, timeoutMs: opts.upstreamTimeoutMs });
    const zone = new ClusterZone(state, { domain: opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN, ttl: opts.ttl, nameserverIPs: clusterDNS });
    const responder = new Responder(state, zone, forwarder, { log });
    server = await listenWhenAvailable(responder, listen, !opts.listen, () => stopped, log);
    const address = server.address;
    log(`dns: answering for ${zone.domain} on ${address.host}:${address.port} (udp, tcp); forwarding to ${upstreams.map((u) => u.host).join(', ') || 'nothing'}`);

    const advertise = opts.advertiseAddress ?? address.host;
    const publishSlice = !isLoopback(advertise);
    if (!publishSlice) log(`dns: ${advertise} is a loopback address; publishing no EndpointSlice for it`);
    ensure = async () => {
      const svc = await applyKubeDnsService(client, clusterDNS);
      if (publishSlice) await applyDnsEndpointSlice(client, dnsEndpointSlice(nodeName, advertise, address.port, svc));
    };
    await publish();

    return {
      address,
      state,
      upstreams,
      async stop() {
        stopped = true;
        if (repairTimer) clearTimeout(repairTimer);
        if (publishSlice) await deleteDnsEndpointSlice(client, nodeName).catch((err: unknown) => log(`dns: removing ${sliceName(nodeName)}: ${String(err)}`));
        await shutdown();
      },
    };
  } catch (err) {
    await shutdown();
    throw err;
  }
}

const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::';
const isLoopback = (host: string): boolean => host.startsWith('127.') || canonicalAddress(host) === '::1';

/** The first address of the node's podCIDR (the CNI bridge's gateway), once the node has one. */
async function podGateway(client: RestClient, nodeName: string, stopped: () => boolean): Promise<string> {
  for (let waited = 0; !stopped(); waited++) {
    const node = await client.get<Node>(resourcePath(R.nodes, undefined, nodeName)).catch(() => undefined);
    const gateway = node?.spec?.podCIDR ? gatewayOf(node.spec.podCIDR) : undefined;
    if (gateway) return gateway;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('stopped');
}

/** The first address of a CIDR: "10.244.3.0/24" → "10.244.3.1". */
export function gatewayOf(cidrText: string): string | undefined {
  const cidr = parseCIDR(cidrText);
  return cidr ? addressText(cidr.family, cidr.base + 1n) : undefined;
}

function addressText(family: 4 | 6, n: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => Number((n >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((n >> s) & 0xffffn).toString(16));
  return canonicalAddress(groups.join(':'))!;
}

/**
 * Binds, waiting while the address is not (yet) on this host when `wait` is set: the pod
 * bridge gets its gateway address with the node's first pod.
 */
async function listenWhenAvailable(responder: Responder, listen: HostPort, wait: boolean, stopped: () => boolean, log: (line: string) => void): Promise<DnsServer> {
  for (let logged = false; ; logged = true) {
    try {
      return await listenDns(responder, listen, log);
    } catch (err) {
      if (!wait || stopped() || (err as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw err;
      if (!logged) log(`dns: ${listen.host} is not on this host yet; waiting for it`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
