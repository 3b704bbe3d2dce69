// `k8ts agent` on a real machine: one node whose pods run as containers under containerd.
// It starts (or joins) containerd, registers the Node with what the host has, waits for the pod
// CIDR the control plane hands out, writes the CNI configuration, serves the kubelet API on 10250,
// and runs the pod workers with volumes, env, images and probes around the CRI calls.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node, Service } from '../../api/core/v1/types.js';
import { EventRecorder } from '../../client/events.js';
import { SharedInformerFactory, type Informer } from '../../client/informer.js';
import type { ClientConfig } from '../../client/kubeconfig.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import { ApiStatusError, RestClient } from '../../client/rest.js';
import { CrashBackoff } from '../backoff.js';
import { ContainerdRuntime } from '../cri/runtime.js';
import { writeCniConfig } from '../containerd/cni.js';
import { loadRegistries, registryAuth } from '../containerd/registries.js';
import { startContainerd, type ContainerdProcess } from '../containerd/supervisor.js';
import { describeHost, hostPressure } from '../host/index.js';
import { ensureBuiltinImages, PAUSE_IMAGE } from '../images/builtin.js';
import { NodeLease } from '../node-lease.js';
import { nodeStatus, nodeStatusChanged, registrationNode, type NodeDescription } from '../node-status.js';
import { PodWorkers, type NodeHandle } from '../pod-workers.js';
import { KubeletMetrics } from '../metrics.js';
import { ProbeManager } from '../probes/index.js';
import { POD_UID_LABEL } from '../runtime.js';
import { apiBackedAuth, startKubeletServer, ensureKubeletServingCert, type KubeletServer } from '../server/index.js';
import { KubeletServingCertificates } from '../server/serving-cert-bootstrap.js';
import { startStaticPods } from '../static-pods/index.js';
import { TimerWheel } from '../timer-wheel.js';
import { VolumeManager } from '../volumes/index.js';
import { NodeEnvironment, podLogDirectory } from './environment.js';
import { ImagePuller } from './image-puller.js';
import { LogRotator } from '../logs/index.js';
import { linkOf } from '../../util/links.js';

export interface NodeAgentOptions {
  client: ClientConfig;
  /** The agent's own folder: containerd state, pods' volumes, logs, certificates. */
  dataDir: string;
  nodeName?: string;
  nodeIP?: string;
  /** A running containerd to use instead of starting one (unix:///run/containerd/containerd.sock). */
  containerRuntimeEndpoint?: string;
  podManifestPath?: string;
  /** 10250 by default; 0 picks a free port (tests). */
  kubeletPort?: number;
  clusterDNS?: string;
  clusterDomain?: string;
  /** Use this pod CIDR instead of waiting for the control plane's. */
  podCIDR?: string;
  cniBridge?: string;
  /** The CNI bridge masquerades traffic leaving the node's pod range (default true; false under a cluster pod network). */
  cniIpMasq?: boolean;
  /**
   * Bytes the pod network's encapsulation takes (VXLAN: 50): pods get the MTU of the link carrying
   * the node address less this, so nothing they send needs fragmenting. Unset: the plugin's default.
   */
  cniMtuOverhead?: number;
  cgroupRoot?: string;
  /** k3s's registries.yaml. */
  registries?: string;
  leaseDurationSeconds?: number;
  nodeStatusUpdateMs?: number;
  labels?: Record<string, string>;
  /**
   * The serving certificate comes from the certificates API (kubelet-serving, asked as the node),
   * as upstream's serverTLSBootstrap; until it is issued the self-signed one serves. Needs a
   * client with the node's own identity.
   */
  serverTlsBootstrap?: boolean;
  /** Renew the serving certificate before it expires (kubelet's --rotate-certificates; default true). */
  rotateCertificates?: boolean;
  log?: (line: string) => void;
}

const LEASE_RENEW_MS = 10_000;
const NODE_STATUS_MS = 10_000;
const VOLUME_REFRESH_MS = 10_000;
const HOUSEKEEPING_MS = 10_000;

export class NodeAgent {
  readonly nodeName: string;
  private readonly client: RestClient;
  private readonly wheel = new TimerWheel();
  private containerd?: ContainerdProcess;
  private runtime!: ContainerdRuntime;
  private endpoint = '';
  private desc!: NodeDescription;
  private nodeUid?: string;
  private factory!: SharedInformerFactory;
  private pods!: Informer<Pod>;
  private nodes!: Informer<Node>;
  private services!: Informer<Service>;
  private workers!: PodWorkers;
  private metrics!: KubeletMetrics;
  private workersDone?: Promise<void>;
  private probes!: ProbeManager;
  private server?: KubeletServer;
  private servingCerts?: KubeletServingCertificates;
  private staticPods?: { stop(): void };
  private rotator?: LogRotator;
  private volumes?: VolumeManager;
  private readonly timers: NodeJS.Timeout[] = [];
  private lease!: NodeLease;
  private handle?: NodeHandle;
  private recorder!: EventRecorder;
  private stopped = false;
  private readonly log: (line: string) => void;
  private readonly bootID = randomUUID();

  constructor(private readonly o: NodeAgentOptions) {
    this.nodeName = (o.nodeName ?? hostname()).toLowerCase();
    this.client = new RestClient(o.client, `kubelet/${this.nodeName}`);
    this.log = o.log ?? (() => undefined);
  }

  get podsDir(): string {
    return join(this.o.dataDir, 'pods');
  }

  get logsDir(): string {
    return join(this.o.dataDir, 'logs', 'pods');
  }

  /** The port the kubelet API listens on. */
  get kubeletPort(): number {
    return this.server?.port ?? 0;
  }

  /** The CRI endpoint of the node's containerd (for image import). */
  get containerdEndpoint(): string {
    return this.endpoint;
  }

  containerRuntime(): ContainerdRuntime {
    return this.runtime;
  }

  async start(): Promise<void> {
    for (const d of [this.o.dataDir, this.podsDir, this.logsDir]) mkdirSync(d, { recursive: true });
    const registries = this.o.registries ? await loadRegistries(this.o.registries) : undefined;
    let endpoint = this.o.containerRuntimeEndpoint;
    let cniConfDir = join(this.o.dataDir, 'cni', 'net.d');
    if (!endpoint) {
      this.containerd = await startContainerd({ dataDir: this.o.dataDir, sandboxImage: PAUSE_IMAGE, registries: this.o.registries, log: this.log });
      endpoint = this.containerd.endpoint;
      cniConfDir = this.containerd.cniConfDir;
    }
    this.endpoint = endpoint;
    this.metrics = new KubeletMetrics(this.nodeName, { processMetrics: true });
    this.runtime = this.metrics.instrumentRuntime(new ContainerdRuntime({ endpoint, log: this.log }));
    await this.runtime.connect(20_000);
    // The sandbox image, and busybox built from the host's busybox-static: a node with no registry
    // in reach can still run the images the course labs use most.
    await ensureBuiltinImages(endpoint, this.o.dataDir, existsSync('/bin/busybox') ? ['pause', 'busybox'] : ['pause'], { log: this.log });
    const version = await this.runtime.version();
    this.desc = await describeHost({ nodeName: this.nodeName, nodeIP: this.o.nodeIP, runtimeVersion: `${version.runtimeName}://${version.runtimeVersion}`, dataDir: this.o.dataDir });
    this.desc.nodeInfo.bootID = this.desc.nodeInfo.bootID || this.bootID;
    Object.assign(this.desc.labels, this.o.labels ?? {});

    const tlsDir = join(this.o.dataDir, 'tls');
    this.servingCerts = this.o.serverTlsBootstrap
      ? new KubeletServingCertificates({ client: this.client, dir: tlsDir, nodeName: this.nodeName, nodeIP: () => this.desc.nodeIP, rotate: this.o.rotateCertificates ?? true, log: this.log })
      : undefined;
    const tls = this.servingCerts?.kept() ?? (await ensureKubeletServingCert(tlsDir, this.nodeName, [this.desc.nodeIP, '127.0.0.1']));
    this.recorder = new EventRecorder(this.client, 'kubelet', this.nodeName);
    this.factory = new SharedInformerFactory(this.client);
    this.pods = this.factory.informerFor<Pod>(R.pods, { fieldSelector: `spec.nodeName=${this.nodeName}` });
    this.nodes = this.factory.informerFor<Node>(R.nodes, { fieldSelector: `metadata.name=${this.nodeName}` });
    this.services = this.factory.informerFor<Service>(R.services);
    this.server = await startKubeletServer({
      port: this.o.kubeletPort ?? 10250,
      tls,
      clientCaPem: this.o.client.caPem ?? '',
      // Reviews go out under the node's identity, like every other call the kubelet makes.
      auth: apiBackedAuth({ clientCaPem: this.o.client.caPem ?? '', client: this.client, log: this.log }),
      deps: {
        runtime: this.runtime,
        getPod: (ns: string, name: string) => this.pods.get(`${ns}/${name}`),
        listPods: () => this.pods.list(),
        logsDir: this.logsDir,
        nodeName: this.nodeName,
        metrics: this.metrics,
        cgroupRoot: this.o.cgroupRoot ?? '/k8ts',
      },
      log: this.log,
    });
    this.desc.kubeletPort = this.server.port;

    this.probes = new ProbeManager({ runtime: this.runtime, onChange: (key: string) => this.workers.enqueue(key), recorder: this.recorder });
    const volumes = new VolumeManager({ client: this.client, podsDir: this.podsDir, nodeName: this.nodeName, log: this.log });
    this.volumes = volumes;
    const env: NodeEnvironment = new NodeEnvironment({
      client: this.client,
      nodeName: this.nodeName,
      nodeIP: () => this.desc.nodeIP,
      podsDir: this.podsDir,
      logsDir: this.logsDir,
      cgroupRoot: this.o.cgroupRoot ?? '/k8ts',
      clusterDNS: [this.o.clusterDNS ?? '10.96.0.10'],
      clusterDomain: this.o.clusterDomain ?? 'cluster.local',
      volumes,
      runtime: this.runtime,
      images: new ImagePuller({ images: this.runtime, pullSecrets: (pod) => env.pullSecrets(pod), nodeAuth: registries ? (image) => registryAuth(registries, image) : undefined }),
      probes: this.probes,
      services: () => this.services.list(),
      nodeAllocatable: () => ({ ...(this.desc.allocatable ?? this.desc.capacity) }),
      recorder: () => this.recorder,
    });
    this.workers = new PodWorkers({
      client: this.client,
      getPod: (k) => this.pods.get(k),
      node: (name) => (name === this.nodeName ? this.handle : undefined),
      wheel: this.wheel,
      backoff: new CrashBackoff(),
      log: this.log,
    });
    this.runtime.onContainerEvent((ev) => this.workers.enqueueFromLabels(ev.sandboxLabels));
    this.pods.addHandlers({
      add: (p) => {
        this.observePodStart(p);
        this.workers.enqueue(keyOf(p));
      },
      update: (_o, p) => {
        this.observePodStart(p);
        this.workers.enqueue(keyOf(p));
      },
      delete: (p) => {
        this.metrics.podGone(p.metadata.uid ?? '');
        this.workers.enqueue(keyOf(p));
      },
    });
    this.nodes.addHandlers({ update: (_o, n) => this.onNode(n) });

    await this.register();
    // Asked for once the Node exists: the approver checks the names against its addresses.
    this.servingCerts?.start((pair) => this.server?.setCertificate(pair));
    this.factory.start();
    await this.factory.waitForSync();
    await this.networkReady();
    await this.removeOrphans(volumes);
    this.handle = { name: this.nodeName, nodeIP: this.desc.nodeIP, runtime: this.runtime, runtimeName: 'containerd', recorder: this.recorder, env };
    this.workersDone = this.workers.run();
    for (const p of this.pods.list()) this.workers.enqueue(keyOf(p));
    if (this.o.podManifestPath) this.staticPods = startStaticPods({ path: this.o.podManifestPath, nodeName: this.nodeName, nodeUid: () => this.nodeUid, client: this.client, log: this.log });
    this.rotator = new LogRotator({ runtime: this.runtime, logsDir: this.logsDir, log: this.log });
    this.every(LEASE_RENEW_MS, () => this.renewLease());
    this.every(this.o.nodeStatusUpdateMs ?? NODE_STATUS_MS, () => this.updateStatus());
    this.every(VOLUME_REFRESH_MS, () => this.refreshVolumes(volumes));
    this.every(HOUSEKEEPING_MS, () => this.rotator?.rotateAll());
    this.log(`node ${this.nodeName} ready: containerd ${version.runtimeVersion}, pod CIDR ${this.desc.podCIDR}, kubelet port ${this.server.port}`);
  }

  /**
   * Stop the agent. Containers keep running (a restarted agent adopts them) unless `removePods`
   * is set, which tears every pod down first (tests leave the host as they found it).
   */
  async stop(opts: { removePods?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.staticPods?.stop();
    this.servingCerts?.stop();
    this.workers?.stop();
    await this.workersDone?.catch(() => undefined);
    this.probes?.stop();
    this.factory?.stop();
    await this.server?.stop();
    if (opts.removePods && this.runtime) {
      for (const sb of await this.runtime.listPodSandbox().catch(() => [])) {
        await this.runtime.stopPodSandbox(sb.id).catch(() => undefined);
        await this.runtime.removePodSandbox(sb.id).catch(() => undefined);
      }
      // Memory-backed emptyDirs and subPath bind mounts live on the host, not in the runtime.
      for (const uid of this.volumes?.podDirs() ?? []) await this.volumes?.tearDown(uid).catch((err) => this.log(`pod ${uid}: ${(err as Error).message}`));
    }
    this.runtime?.close();
    await this.containerd?.stop();
    this.wheel.stop();
    this.client.close();
  }

  private every(ms: number, fn: () => Promise<void> | void): void {
    const t = setInterval(() => {
      if (this.stopped) return;
      Promise.resolve()
        .then(fn)
        .catch((err) => this.log(`node ${this.nodeName}: ${err instanceof Error ? err.message : String(err)}`));
    }, ms);
    this.timers.push(t);
  }

  /** Create the Node, or take over the one a previous run of this agent left. */
  private async register(): Promise<void> {
    const now = Date.now();
    if (this.o.podCIDR) this.desc.podCIDR = this.o.podCIDR;
    let node: Node;
    try {
      node = await this.client.create<Node>(resourcePath(R.nodes), registrationNode(this.desc, now));
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.code === 409)) throw err;
      node = await this.client.get<Node>(resourcePath(R.nodes, undefined, this.nodeName));
      if (this.o.podCIDR && !node.spec?.podCIDR) node = await this.client.patch<Node>(resourcePath(R.nodes, undefined, this.nodeName), { spec: { podCIDR: this.o.podCIDR, podCIDRs: [this.o.podCIDR] } });
      node = await this.writeStatus(node);
    }
    this.nodeUid = node.metadata.uid;
    this.lease = new NodeLease(this.client, this.nodeName, this.o.leaseDurationSeconds ?? 40);
    this.lease.setOwner(node.metadata.uid!);
    await this.lease.renew();
  }

  /** Pods need the node's pod CIDR in the CNI configuration before their sandboxes can start. */
  private async networkReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    let cidr = this.nodes.get(this.nodeName)?.spec?.podCIDR;
    while (!cidr && !this.stopped) {
      if (Date.now() > deadline) throw new Error(`node ${this.nodeName} got no pod CIDR from the control plane in 60 s (is the node IPAM controller running?)`);
      await new Promise((r) => setTimeout(r, 100));
      cidr = this.nodes.get(this.nodeName)?.spec?.podCIDR;
    }
    if (!cidr) return;
    this.desc.podCIDR = cidr;
    const confDir = this.containerd?.cniConfDir ?? join(this.o.dataDir, 'cni', 'net.d');
    const mtu = this.o.cniMtuOverhead === undefined ? undefined : (await linkOf(this.desc.nodeIP)).mtu - this.o.cniMtuOverhead;
    await writeCniConfig(confDir, { podCIDR: cidr, bridge: this.o.cniBridge ?? 'cni0', dataDir: join(this.o.dataDir, 'cni'), ipMasq: this.o.cniIpMasq, mtu });
    await this.runtime.updateRuntimeConfig({ podCIDR: cidr });
  }

  /** Sandboxes and pod folders whose pods are gone (deleted while the agent was down). */
  private async removeOrphans(volumes: VolumeManager): Promise<void> {
    const uids = new Set(this.pods.list().map((p) => p.metadata.uid!));
    for (const sb of await this.runtime.listPodSandbox()) {
      const uid = sb.labels[POD_UID_LABEL];
      if (uid && uids.has(uid)) continue;
      await this.runtime.stopPodSandbox(sb.id).catch(() => undefined);
      await this.runtime.removePodSandbox(sb.id).catch(() => undefined);
    }
    for (const uid of volumes.podDirs()) if (!uids.has(uid)) await volumes.tearDown(uid).catch(() => undefined);
  }

  private async refreshVolumes(volumes: VolumeManager): Promise<void> {
    for (const pod of this.pods.list()) {
      if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) continue;
      const podIP = pod.status.podIP;
      await volumes.refresh(pod, { podIP, podIPs: podIP ? [podIP] : [], hostIP: this.desc.nodeIP, nodeAllocatable: this.desc.allocatable ?? this.desc.capacity });
    }
  }

  private async renewLease(): Promise<void> {
    await this.lease.renew();
  }

  private async updateStatus(): Promise<void> {
    this.desc.pressure = await hostPressure(this.o.dataDir);
    const current = this.nodes.get(this.nodeName);
    if (!current || nodeStatusChanged(current.status, nodeStatus(this.desc, current.status, Date.now()))) await this.writeStatus(current);
  }

  private async writeStatus(current: Node | undefined): Promise<Node> {
    const status = nodeStatus(this.desc, current?.status, Date.now());
    return this.client.patch<Node>(resourcePath(R.nodes, undefined, this.nodeName, 'status'), { status }, 'application/strategic-merge-patch+json');
  }

  /** Someone else changed our node's status (marked it Unknown): set it right at once. */
  /** kubelet_pod_start_duration_seconds: from the kubelet's first sight of a pod to its phase Running. */
  private observePodStart(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    if (pod.status?.phase === 'Running') this.metrics.podRunning(uid);
    else if (!pod.status?.phase || pod.status.phase === 'Pending') this.metrics.podSeen(uid);
  }

  private onNode(node: Node): void {
    if (this.stopped || (this.nodeUid && node.metadata.uid !== this.nodeUid)) return;
    if (nodeStatusChanged(node.status, nodeStatus(this.desc, node.status, Date.now()))) void this.writeStatus(node).catch((err) => this.log(`node status: ${err instanceof Error ? err.message : String(err)}`));
  }
}

export async function startNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const agent = new NodeAgent(o);
  try {
    await agent.start();
  } catch (err) {
    await agent.stop().catch(() => undefined);
    throw err;
  }
  return agent;
}

export { podLogDirectory };
