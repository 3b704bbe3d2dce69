// `k8ts agent --runtime sim`: many simulated nodes in one process. Each node is registered,
// heartbeats through its Lease and periodic status reports, and runs the pods bound to it on
// a SimRuntime. Everything periodic shares one timer wheel, and heartbeats go through one
// paced queue so the aggregate write rate stays bounded however many nodes there are.
import { createHash, randomUUID } from 'node:crypto';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { EventRecorder } from '../../client/events.js';
import { SharedInformerFactory, type Informer } from '../../client/informer.js';
import type { ClientConfig } from '../../client/kubeconfig.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import { ApiStatusError, RestClient } from '../../client/rest.js';
import { CrashBackoff } from '../backoff.js';
import { NodeLease } from '../node-lease.js';
import { KUBELET_VERSION, nodeStatus, nodeStatusChanged, registrationNode, wellKnownLabels, type NodeDescription } from '../node-status.js';
import { PacedQueue } from '../paced-queue.js';
import { PodWorkers, type NodeHandle } from '../pod-workers.js';
import { TimerWheel, type TimerHandle } from '../timer-wheel.js';
import { simLoopbackNodeIP, simNodeIP, simPodCIDR } from './addressing.js';
import { startSimKubeletServer, type SimKubeletServer } from './kubelet-server.js';
import { neverReady } from './annotations.js';
import { SIM_RUNTIME_NAME, SIM_RUNTIME_VERSION, SimRuntime } from './runtime.js';

export interface SimAgentOptions {
  client: ClientConfig;
  nodes: number;
  prefix?: string;
  /** Index of the first node (for several agents against one cluster). */
  firstIndex?: number;
  cpu?: string;
  memory?: string;
  pods?: string;
  ephemeralStorage?: string;
  labels?: Record<string, string>;
  leaseDurationSeconds?: number;
  leaseRenewIntervalMs?: number;
  nodeStatusReportMs?: number;
  crashLoopBaseMs?: number;
  crashLoopMaxMs?: number;
  /** How long a simulated container takes to stop gracefully (capped by the grace period). */
  stopDelayMs?: number;
  /** Heartbeat writes (leases and node status) per second, in aggregate. */
  heartbeatQps?: number;
  registerConcurrency?: number;
  podWorkers?: number;
  recordEvents?: boolean;
  /**
   * Serve a kubelet API (/stats/summary with synthetic usage) for the nodes, so a metrics server
   * can scrape them: the nodes then take loopback addresses (127.30.x.y) on this host.
   */
  serveKubelet?: boolean;
  log?: (line: string) => void;
}

interface SimNode {
  index: number;
  desc: NodeDescription;
  runtime: SimRuntime;
  lease: NodeLease;
  handle: NodeHandle;
  registered: boolean;
  removed: boolean;
  uid?: string;
  leaseTimer?: TimerHandle;
  statusTimer?: TimerHandle;
  lastLeaseRenew?: number;
}

const DEFAULTS = {
  prefix: 'sim-',
  cpu: '8',
  memory: '32Gi',
  pods: '110',
  ephemeralStorage: '100Gi',
  leaseDurationSeconds: 40,
  leaseRenewIntervalMs: 10_000,
  nodeStatusReportMs: 60_000,
  crashLoopBaseMs: 10_000,
  crashLoopMaxMs: 300_000,
  stopDelayMs: 200,
  heartbeatQps: 250,
  registerConcurrency: 16,
  podWorkers: 16,
};

export class SimAgent {
  private readonly o: SimAgentOptions & typeof DEFAULTS;
  private readonly client: RestClient;
  private readonly wheel = new TimerWheel();
  private readonly heartbeats: PacedQueue;
  private readonly nodes = new Map<string, SimNode>();
  private readonly factory: SharedInformerFactory;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly workers: PodWorkers;
  private workersDone?: Promise<void>;
  private stopped = false;
  private readonly bootID = randomUUID();
  private readonly bootTime = Date.now();
  private kubeletServer?: SimKubeletServer;

  constructor(opts: SimAgentOptions) {
    this.o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as SimAgentOptions & typeof DEFAULTS;
    this.client = new RestClient(opts.client, 'k8ts-sim-kubelet');
    this.heartbeats = new PacedQueue({ qps: this.o.heartbeatQps, concurrency: 32 });
    const first = this.o.firstIndex ?? 0;
    for (let i = first; i < first + this.o.nodes; i++) this.addNode(i);
    // One node: watch only its pods and its object. Many: one watch each, filtered here.
    const only = this.o.nodes === 1 ? [...this.nodes.keys()][0] : undefined;
    this.factory = new SharedInformerFactory(this.client);
    this.podInformer = this.factory.informerFor<Pod>(R.pods, only ? { fieldSelector: `spec.nodeName=${only}` } : {});
    this.nodeInformer = this.factory.informerFor<Node>(R.nodes, only ? { fieldSelector: `metadata.name=${only}` } : {});
    const backoff = new CrashBackoff(this.o.crashLoopBaseMs, this.o.crashLoopMaxMs);
    this.workers = new PodWorkers({
      client: this.client,
      getPod: (k) => this.podInformer.get(k),
      node: (name) => {
        const n = this.nodes.get(name);
        return n && n.registered && !n.removed ? n.handle : undefined;
      },
      wheel: this.wheel,
      backoff,
      unready: (pod, c) => neverReady(pod.metadata.annotations, c),
      workers: this.o.podWorkers,
      log: this.o.log,
    });
  }

  /** The simulated nodes' names. */
  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Registers every node, then starts heartbeats and pods; resolves once all nodes are registered. */
  async start(): Promise<void> {
    if (this.o.serveKubelet) {
      const byIP = new Map([...this.nodes.values()].map((n) => [n.desc.nodeIP, n]));
      this.kubeletServer = await startSimKubeletServer({
        caPem: this.o.client.caPem,
        bootTime: this.bootTime,
        nodes: { byAddress: (ip) => { const n = byIP.get(ip); return n && !n.removed ? { name: n.desc.name, runtime: n.runtime } : undefined; } },
      });
      for (const n of this.nodes.values()) n.desc.kubeletPort = this.kubeletServer.port;
    }
    this.podInformer.addHandlers({
      add: (p) => this.onPod(p),
      update: (_o, p) => this.onPod(p),
      delete: (p) => {
        if (this.workers.tracks(keyOf(p))) this.workers.enqueue(keyOf(p));
      },
    });
    this.nodeInformer.addHandlers({ add: (n) => this.onNode(n), update: (_o, n) => this.onNode(n), delete: (n) => this.onNodeDeleted(n) });
    await this.registerAll();
    if (this.stopped) return;
    this.factory.start();
    this.workersDone = this.workers.run();
    await this.factory.waitForSync();
    const count = this.nodes.size;
    let i = 0;
    const now = Date.now();
    for (const n of this.nodes.values()) {
      // Spread each node's periodic writes evenly over the period.
      const share = i++ / count;
      this.scheduleLease(n, now + share * this.o.leaseRenewIntervalMs);
      this.scheduleStatus(n, now + (0.5 + share) * this.o.nodeStatusReportMs);
    }
  }

  /** Stop every heartbeat and pod worker: the nodes go silent, as a failed machine would. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wheel.stop();
    this.heartbeats.stop();
    this.factory.stop();
    this.workers.stop();
    await this.kubeletServer?.stop();
    await this.workersDone?.catch(() => undefined);
    this.client.close();
  }

  /**
   * Sets the synthetic usage of a pod's running containers (or one of them) on whichever node runs
   * it; returns how many containers it changed.
   */
  setUsage(namespace: string, pod: string, usage: { cpu?: string; memory?: string }, container?: string): number {
    let n = 0;
    for (const node of this.nodes.values()) n += node.runtime.setUsage({ namespace, pod, container }, usage);
    return n;
  }

  /** Runtime of a node (tests inspect it). */
  runtimeOf(node: string): SimRuntime | undefined {
    return this.nodes.get(node)?.runtime;
  }

  private addNode(index: number): void {
    const name = `${this.o.prefix}${index}`;
    const nodeIP = this.o.serveKubelet ? simLoopbackNodeIP(index) : simNodeIP(index);
    const hash = createHash('sha256').update(name).digest('hex');
    const desc: NodeDescription = {
      name,
      nodeIP,
      podCIDR: simPodCIDR(index),
      capacity: { cpu: this.o.cpu, memory: this.o.memory, pods: this.o.pods, 'ephemeral-storage': this.o.ephemeralStorage, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' },
      labels: { ...wellKnownLabels(name, 'linux', 'amd64'), 'node.kubernetes.io/instance-type': 'sim', ...(this.o.labels ?? {}) },
      nodeInfo: {
        machineID: hash.slice(0, 32),
        systemUUID: `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`,
        bootID: this.bootID,
        kernelVersion: '6.1.0-k8ts-sim',
        osImage: 'k8ts simulated node',
        containerRuntimeVersion: `${SIM_RUNTIME_NAME}://${SIM_RUNTIME_VERSION}`,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    };
    const runtime = new SimRuntime({ nodeIP, wheel: this.wheel, stopDelayMs: this.o.stopDelayMs });
    runtime.onContainerEvent((ev) => this.workers.enqueueFromLabels(ev.sandboxLabels));
    const recorder = this.o.recordEvents === false ? undefined : new EventRecorder(this.client, 'kubelet', name);
    this.nodes.set(name, {
      index,
      desc,
      runtime,
      lease: new NodeLease(this.client, name, this.o.leaseDurationSeconds),
      handle: { name, nodeIP, runtime, runtimeName: SIM_RUNTIME_NAME, recorder },
      registered: false,
      removed: false,
    });
  }

  private async registerAll(): Promise<void> {
    const pending = [...this.nodes.values()];
    const worker = async () => {
      for (let n = pending.shift(); n && !this.stopped; n = pending.shift()) {
        for (let attempt = 0; !this.stopped; attempt++) {
          try {
            await this.register(n);
            break;
          } catch (err) {
            this.o.log?.(`node ${n.desc.name}: registration failed: ${err instanceof Error ? err.message : String(err)}`);
            await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 7000)));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.registerConcurrency, pending.length) }, worker));
  }

  /** Create the Node, or adopt the one already there (an agent restart), then take its lease. */
  private async register(n: SimNode): Promise<void> {
    const now = Date.now();
    let node: Node;
    try {
      node = await this.client.create<Node>(resourcePath(R.nodes), registrationNode(n.desc, now));
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.code === 409)) throw err;
      node = await this.client.get<Node>(resourcePath(R.nodes, undefined, n.desc.name));
      if (!node.spec?.podCIDR) node = await this.client.patch<Node>(resourcePath(R.nodes, undefined, n.desc.name), { spec: { podCIDR: n.desc.podCIDR, podCIDRs: [n.desc.podCIDR] } });
      node = await this.writeStatus(n, node);
    }
    if (!node.status?.conditions?.length) node = await this.writeStatus(n, node);
    // A range allocated by the cluster wins over the one this agent would pick.
    n.desc.podCIDR = node.spec?.podCIDR ?? n.desc.podCIDR;
    await n.runtime.updateRuntimeConfig({ podCIDR: n.desc.podCIDR });
    n.uid = node.metadata.uid;
    n.lease.setOwner(node.metadata.uid!);
    await n.lease.renew();
    n.lastLeaseRenew = Date.now();
    n.registered = true;
  }

  private async writeStatus(n: SimNode, current: Node | undefined): Promise<Node> {
    const status = nodeStatus(n.desc, current?.status, Date.now());
    return this.client.patch<Node>(resourcePath(R.nodes, undefined, n.desc.name, 'status'), { status }, 'application/strategic-merge-patch+json');
  }

  private scheduleLease(n: SimNode, at: number): void {
    n.leaseTimer?.cancel();
    n.leaseTimer = this.wheel.at(at, () =>
      this.heartbeats.add(`lease:${n.desc.name}`, async () => {
        if (this.stopped || n.removed) return;
        try {
          await n.lease.renew();
          n.lastLeaseRenew = Date.now();
          this.scheduleLease(n, Date.now() + this.o.leaseRenewIntervalMs);
        } catch (err) {
          this.o.log?.(`node ${n.desc.name}: lease renewal failed: ${err instanceof Error ? err.message : String(err)}`);
          this.scheduleLease(n, Date.now() + Math.min(1000, this.o.leaseRenewIntervalMs));
        }
      }),
    );
  }

  private scheduleStatus(n: SimNode, at: number): void {
    n.statusTimer?.cancel();
    n.statusTimer = this.wheel.at(at, () => this.queueStatus(n));
  }

  private queueStatus(n: SimNode): void {
    this.heartbeats.add(`status:${n.desc.name}`, async () => {
      if (this.stopped || n.removed) return;
      try {
        await this.writeStatus(n, this.nodeInformer.get(n.desc.name));
        this.scheduleStatus(n, Date.now() + this.o.nodeStatusReportMs);
      } catch (err) {
        if (err instanceof ApiStatusError && err.code === 404) return this.forgetNode(n);
        this.o.log?.(`node ${n.desc.name}: status update failed: ${err instanceof Error ? err.message : String(err)}`);
        this.scheduleStatus(n, Date.now() + Math.min(1000, this.o.nodeStatusReportMs));
      }
    });
  }

  private onPod(p: Pod): void {
    const key = keyOf(p);
    const n = p.spec?.nodeName ? this.nodes.get(p.spec.nodeName) : undefined;
    if ((n && !n.removed) || this.workers.tracks(key)) this.workers.enqueue(key);
  }

  /** Someone else changed our node's status (a controller marking it Unknown): set it right now. */
  private onNode(node: Node): void {
    const n = this.nodes.get(node.metadata.name!);
    if (!n || !n.registered || n.removed || this.stopped) return;
    if (n.uid && node.metadata.uid !== n.uid) return;
    if (nodeStatusChanged(node.status, nodeStatus(n.desc, node.status, Date.now()))) this.queueStatus(n);
  }

  private onNodeDeleted(node: Node): void {
    const n = this.nodes.get(node.metadata.name!);
    if (n && n.uid === node.metadata.uid) this.forgetNode(n);
  }

  /** A deleted node is no longer ours to run: heartbeats stop and its pods are left alone. */
  private forgetNode(n: SimNode): void {
    n.removed = true;
    n.leaseTimer?.cancel();
    n.statusTimer?.cancel();
    this.o.log?.(`node ${n.desc.name} was deleted; it is no longer heartbeating or running pods`);
  }
}

export async function startSimAgent(opts: SimAgentOptions): Promise<SimAgent> {
  const agent = new SimAgent(opts);
  await agent.start();
  return agent;
}
