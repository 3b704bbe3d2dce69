// The pod network across nodes (flannel's job in k3s): from the Nodes, which carry every node's
// pod CIDR and address, this node routes each other node's pods, directly over the shared link
// (host-gw) or through a VXLAN overlay (vxlan), and masquerades pods' traffic leaving the
// cluster. One key in a work queue: any Node event re-plans the whole table (a few routes per
// node) and the reconcile writes only the difference; a periodic pass repairs drift.
import type { Node } from '../api/core/v1/types.js';
import { Informer } from '../client/informer.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { runWorkers, WorkQueue } from '../client/workqueue.js';
import { linkOf } from '../util/links.js';
import { deleteLink, enableForwarding, ensureVxlan, reconcile, removeOurRoutes, vtepMac, vxlanMtu } from './kernel.js';
import { applyMasquerade, DEFAULT_MASQ_TABLE, removeMasquerade } from './masquerade.js';
import { ANN_BACKEND_DATA, ANN_BACKEND_TYPE, ANN_PUBLIC_IP, ANN_SUBNET_MANAGER, DEFAULT_VXLAN_DEVICE, internalIP, networkAddress, plan, VXLAN_VNI, type Backend } from './model.js';

const RESYNC_MS = 30_000;
const SYNC_KEY = 'routes';

export interface PodNetworkOptions {
  backend: Exclude<Backend, 'none'>;
  nodeName: string;
  /** The cluster's pod network (--cluster-cidr). */
  clusterCIDR: string;
  /** The VXLAN device (default flannel.1). */
  device?: string;
  /** The masquerade table (default k8ts-podnet). */
  table?: string;
  /** How long to wait for the node's pod CIDR and address (default 60 s). */
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningPodNetwork {
  readonly backend: Backend;
  /** Resolves once a sync has applied the Nodes seen so far (tests). */
  synced(): Promise<void>;
  /** Stops watching; what is in the kernel stays (pods keep their network), as flannel's. */
  stop(): void;
}

export async function startPodNetwork(config: ClientConfig, o: PodNetworkOptions): Promise<RunningPodNetwork> {
  const log = o.log ?? (() => undefined);
  const device = o.device ?? DEFAULT_VXLAN_DEVICE;
  const client = new RestClient(config, `k8ts-podnet/${o.nodeName}`);
  const nodes = new Informer<Node>(client, R.nodes);
  const queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 10_000 });
  let timer: NodeJS.Timeout | undefined;
  let syncedWaiters: (() => void)[] = [];
  const stop = (): void => {
    if (timer) clearInterval(timer);
    queue.shutdown();
    nodes.stop();
    client.close();
  };
  try {
    nodes.start();
    await nodes.waitForSync();
    const self = await ownNode(nodes, o.nodeName, o.startTimeoutMs ?? 60_000);
    const podCIDR = self.spec!.podCIDR!;
    const nodeIP = internalIP(self)!;
    const link = await linkOf(nodeIP);
    await enableForwarding();
    let backendData = 'null';
    if (o.backend === 'vxlan') {
      const mac = vtepMac(o.nodeName);
      await ensureVxlan({ name: device, mac, local: nodeIP, underlay: link.name, mtu: vxlanMtu(link.mtu), address: networkAddress(podCIDR) });
      backendData = JSON.stringify({ VNI: VXLAN_VNI, VtepMAC: mac });
    }
    await applyMasquerade({ table: o.table ?? DEFAULT_MASQ_TABLE, clusterCIDR: o.clusterCIDR, podCIDR });
    // Published last: peers route to this node only once it can take the traffic.
    await client.patch(resourcePath(R.nodes, undefined, o.nodeName), {
      metadata: { annotations: { [ANN_BACKEND_TYPE]: o.backend, [ANN_BACKEND_DATA]: backendData, [ANN_PUBLIC_IP]: nodeIP, [ANN_SUBNET_MANAGER]: 'true' } },
    });
    const reported = new Map<string, string>();
    const sync = async (): Promise<void> => {
      const p = plan({ backend: o.backend, self: o.nodeName, nodes: nodes.list(), device: o.backend === 'vxlan' ? device : link.name, linkSubnets: link.subnets });
      for (const s of p.skipped) {
        if (reported.get(s.node) !== s.reason) log(`podnet: not routing node ${s.node}: ${s.reason}`);
        reported.set(s.node, s.reason);
      }
      const r = await reconcile(p, o.clusterCIDR, o.backend === 'vxlan' ? device : undefined);
      if (r.added || r.removed) log(`podnet (${o.backend}): ${p.routes.length} remote pod range(s), ${r.added} entries added, ${r.removed} removed`);
      const w = syncedWaiters;
      syncedWaiters = [];
      for (const f of w) f();
    };
    const enqueue = (): void => queue.add(SYNC_KEY);
    nodes.addHandlers({ add: enqueue, update: enqueue, delete: enqueue });
    enqueue();
    timer = setInterval(enqueue, RESYNC_MS);
    void runWorkers(queue, 1, sync, (_k, err) => log(`podnet: sync failed, retrying: ${(err as Error).message}`));
    log(`podnet: ${o.backend} on ${o.backend === 'vxlan' ? `${device} over ${link.name}` : link.name}, node ${o.nodeName} ${podCIDR} at ${nodeIP}`);
  } catch (err) {
    stop();
    throw err;
  }
  return {
    backend: o.backend,
    synced: () =>
      new Promise<void>((resolve) => {
        syncedWaiters.push(resolve);
        queue.add(SYNC_KEY);
      }),
    stop,
  };
}

/** The node as the kubelet registered it, once it has its pod CIDR and address. */
async function ownNode(nodes: Informer<Node>, name: string, timeoutMs: number): Promise<Node> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = nodes.get(name);
    if (n?.spec?.podCIDR && internalIP(n)) return n;
    if (Date.now() > deadline) throw new Error(`node ${name} has no ${n ? (n.spec?.podCIDR ? 'InternalIP' : 'pod CIDR') : 'Node object'} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `k8ts agent --cleanup`: the VXLAN device (and with it its entries), our routes, the masquerade table. */
export async function cleanupPodNetwork(o: { device?: string; table?: string } = {}): Promise<void> {
  await deleteLink(o.device ?? DEFAULT_VXLAN_DEVICE);
  await removeOurRoutes();
  await removeMasquerade(o.table ?? DEFAULT_MASQ_TABLE);
}
