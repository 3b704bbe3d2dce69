// What runs beside every real node agent, as k3s runs flannel, kube-proxy, CoreDNS and Traefik:
// the pod network between nodes, the service proxy (ClusterIPs, NodePorts), the node's cluster
// DNS, its NetworkPolicy enforcer, the ingress controller and the local-path provisioner for the
// node's own volumes. The kubelet cannot start them (components
// do not import each other), so `k8ts agent` and `k8ts server` start them here once the agent is
// up and the node has its podCIDR.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Node } from '../api/core/v1/types.js';
import { parseCIDR } from '../api/networking/v1/cidr.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { cleanupNetworkPolicy, startNetworkPolicy, type NetworkPolicyOptions, type RunningNetworkPolicy } from '../netpol/enforcer.js';
import { startIngressController, type IngressControllerOptions, type RunningIngressController } from '../ingress/controller.js';
import { startLocalPathProvisioner, type LocalPathProvisioner } from '../localpath/provisioner.js';
import { cleanupPodNetwork, startPodNetwork, type PodNetworkOptions, type RunningPodNetwork } from '../podnet/pod-network.js';
import { DEFAULT_CLUSTER_DOMAIN, gatewayOf, startClusterDns, type ClusterDnsOptions, type RunningClusterDns } from '../dns/run.js';
import { cleanupIptables, DEFAULT_IPTABLES_PREFIX } from '../proxy/iptables/proxier.js';
import { cleanupNftables, DEFAULT_NFT_TABLE } from '../proxy/nftables/proxier.js';
import { startServiceProxy, type RunningServiceProxy, type ServiceProxyOptions } from '../proxy/service-proxy.js';

const run = promisify(execFile);

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';

export interface NodeServicesOptions {
  client: ClientConfig;
  /** Each component's own credential (system:kube-proxy, the coredns service account); default `client`. */
  proxyClient?: ClientConfig;
  dnsClient?: ClientConfig;
  /** The NetworkPolicy enforcer's and the ingress controller's (system:k8ts-controller); default `client`. */
  controllerClient?: ClientConfig;
  nodeName: string;
  /** The pod network (--cluster-cidr): the proxy masquerades service traffic from outside it. */
  clusterCIDR?: string;
  /** The service range; the cluster DNS defaults to its 10th address, as k3s's. */
  serviceCIDR?: string;
  /** The kube-dns ClusterIP, the kubelet's --cluster-dns. */
  clusterDNS?: string;
  clusterDomain?: string;
  /** The CNI bridge: the DNS listens on its gateway address, which is given to it at start. */
  cniBridge?: string;
  /** false: no proxy (--disable-kube-proxy); otherwise mode, nftables table, iptables chain prefix. */
  proxy?: false | Pick<ServiceProxyOptions, 'mode' | 'table' | 'chainPrefix' | 'runner'>;
  /**
   * The pod network across nodes (--flannel-backend host-gw|vxlan); absent or false: none, the
   * node's pods reach only each other (tests of one node, or another CNI's job).
   */
  podNetwork?: false | Pick<PodNetworkOptions, 'backend' | 'device' | 'table'>;
  /** false: no DNS (--disable-dns); otherwise listen/upstream overrides. */
  dns?: false | Pick<ClusterDnsOptions, 'listen' | 'advertiseAddress' | 'resolvConf' | 'upstreams' | 'upstreamTimeoutMs'>;
  /** false: no network policy enforcement (--disable-network-policy); otherwise the nftables table. */
  networkPolicy?: false | Pick<NetworkPolicyOptions, 'table' | 'runner'>;
  /**
   * false: no ingress controller (--disable-ingress); otherwise its ports and addresses. It needs
   * `dataDir` (the agent's folder: nginx's configuration and certificates go in `ingress/`).
   */
  ingress?: false | Pick<IngressControllerOptions, 'httpPort' | 'httpsPort' | 'listen' | 'workers'>;
  /**
   * false: no local-path provisioner (k3s's --disable local-storage); otherwise where this node's
   * volumes go (--default-local-storage-path). Absent: none.
   */
  localStorage?: false | { path: string };
  dataDir?: string;
  log?: (line: string) => void;
}

export interface NodeServices {
  podNetwork?: RunningPodNetwork;
  proxy?: RunningServiceProxy;
  networkPolicy?: RunningNetworkPolicy;
  /** Undefined when disabled, or when it could not start (nginx missing, a port taken: logged). */
  ingress?: RunningIngressController;
  localPath?: LocalPathProvisioner;
  /** Resolves once the DNS answers (undefined when disabled, or stopped before it came up). */
  dns: Promise<RunningClusterDns | undefined>;
  /** Stops them all. The proxy's and the policies' rules stay (as kube-proxy's do) unless `cleanup` is set; the DNS removes its EndpointSlice. */
  stop(opts?: { cleanup?: boolean }): Promise<void>;
}

/** The n-th address of an IPv4 range: ("10.96.0.0/12", 10) → "10.96.0.10". */
export function addressInRange(cidr: string, n: number): string {
  const net = parseCIDR(cidr);
  if (!net || net.family !== 4) throw new Error(`not an IPv4 CIDR: "${cidr}"`);
  const a = net.base + BigInt(n);
  return [24n, 16n, 8n, 0n].map((s) => Number((a >> s) & 0xffn)).join('.');
}

/** The cluster DNS IP a service range implies (k3s: the 10th address). */
export function clusterDnsFor(serviceCIDR: string = DEFAULT_SERVICE_CIDR): string {
  return addressInRange(serviceCIDR, 10);
}

export async function startNodeServices(o: NodeServicesOptions): Promise<NodeServices> {
  const log = o.log ?? (() => undefined);
  const clusterDNS = o.clusterDNS ?? clusterDnsFor(o.serviceCIDR);
  const clusterCIDR = o.clusterCIDR ?? DEFAULT_CLUSTER_CIDR;
  const podNetwork = o.podNetwork ? await startPodNetwork(o.client, { ...o.podNetwork, nodeName: o.nodeName, clusterCIDR, log }) : undefined;
  let proxy: RunningServiceProxy | undefined;
  let networkPolicy: RunningNetworkPolicy | undefined;
  try {
    proxy = o.proxy === false ? undefined : await startServiceProxy(o.proxyClient ?? o.client, { ...o.proxy, nodeName: o.nodeName, clusterCIDR, log });
    networkPolicy = o.networkPolicy === false ? undefined : await startNetworkPolicy(o.controllerClient ?? o.client, { ...o.networkPolicy, nodeName: o.nodeName, log });
  } catch (err) {
    await proxy?.stop();
    podNetwork?.stop();
    throw err;
  }
  const abort = new AbortController();
  let dns: Promise<RunningClusterDns | undefined> = Promise.resolve(undefined);
  if (o.dns !== false) {
    const dnsOpts = o.dns ?? {};
    if (!dnsOpts.listen && o.cniBridge) await ensureBridgeGateway(o.dnsClient ?? o.client, o.nodeName, o.cniBridge).catch((err: Error) => log(`dns: could not give ${o.cniBridge} its gateway address now (${err.message}); the DNS waits for the first pod`));
    // Not awaited: the DNS comes up when its address exists; the node runs pods meanwhile.
    dns = startClusterDns({ ...dnsOpts, client: o.dnsClient ?? o.client, nodeName: o.nodeName, clusterDNS: [clusterDNS], clusterDomain: o.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN, log, signal: abort.signal }).catch((err: Error) => {
      if (!abort.signal.aborted) log(`dns: not running: ${err.message}`);
      return undefined;
    });
  }
  let ingress: RunningIngressController | undefined;
  if (o.ingress !== false && o.dataDir) {
    // The node runs pods without it: a missing nginx or a taken port is logged, not fatal.
    ingress = await startIngressController(o.controllerClient ?? o.client, { ...o.ingress, nodeName: o.nodeName, dataDir: join(o.dataDir, 'ingress'), log }).catch((err: Error) => {
      log(`ingress: not running: ${err.message}`);
      return undefined;
    });
  }
  let localPath: LocalPathProvisioner | undefined;
  const localPathClient = o.localStorage ? new RestClient(o.controllerClient ?? o.client, 'k8ts-local-path-provisioner') : undefined;
  if (o.localStorage && localPathClient) {
    // Pods without claims run without it: a failure (the API refusing its class) is logged, not fatal.
    localPath = await startLocalPathProvisioner(localPathClient, { nodeName: o.nodeName, storagePath: o.localStorage.path, log }).catch((err: Error) => {
      log(`local-path: not running: ${err.message}`);
      return undefined;
    });
  }
  return {
    podNetwork,
    proxy,
    networkPolicy,
    dns,
    ingress,
    localPath,
    async stop(stopOpts = {}) {
      abort.abort();
      await localPath?.stop();
      localPathClient?.close();
      await ingress?.stop();
      await (await dns)?.stop();
      await networkPolicy?.stop(stopOpts);
      await proxy?.stop(stopOpts);
      podNetwork?.stop();
    },
  };
}

/**
 * Gives the pod bridge its gateway (the first address of the node's podCIDR) before any pod
 * exists, so the DNS can bind at once. The CNI bridge plugin takes over a bridge that already
 * carries exactly the gateway address it would add.
 */
async function ensureBridgeGateway(config: ClientConfig, nodeName: string, bridge: string): Promise<void> {
  const client = new RestClient(config, 'k8ts-node-services');
  let podCIDR: string | undefined;
  try {
    podCIDR = (await client.get<Node>(resourcePath(R.nodes, undefined, nodeName))).spec?.podCIDR;
  } finally {
    client.close();
  }
  const gateway = podCIDR ? gatewayOf(podCIDR) : undefined;
  if (!podCIDR || !gateway) throw new Error(`node ${nodeName} has no podCIDR yet`);
  await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']).catch((err: Error & { stderr?: string }) => {
    if (!/exists/i.test(err.stderr ?? '')) throw err;
  });
  await run('ip', ['addr', 'replace', `${gateway}/${podCIDR.split('/')[1]}`, 'dev', bridge]);
  await run('ip', ['link', 'set', bridge, 'up']);
}

/** What the node's proxy leaves on a plain stop, in both modes (as `kube-proxy --cleanup`). */
export async function cleanupServiceProxy(): Promise<void> {
  await cleanupNftables(DEFAULT_NFT_TABLE);
  await cleanupIptables(DEFAULT_IPTABLES_PREFIX);
}

/**
 * `k8ts agent --cleanup`: the proxy's rules (both modes), the network-policy table, and the pod
 * network's device, routes and masquerade table.
 */
export async function cleanupNodeServices(o: { flannelDevice?: string } = {}): Promise<void> {
  await cleanupServiceProxy();
  await cleanupNetworkPolicy();
  await cleanupPodNetwork({ device: o.flannelDevice });
}
