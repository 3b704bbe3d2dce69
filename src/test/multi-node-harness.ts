// A control plane plus N real nodes on one machine, each a `k8ts agent` child process in a network
// namespace of its own, joined to a bridge on the host that the harness creates. Every node has
// its own containerd, data dir, kubelet, cgroup root, pod CIDR, service proxy, DNS and pod network,
// all inside its namespace; the control plane runs in this process and is reached on the bridge.
// Every name and address is unique to the run, and stop() removes all of it even after a failure:
// containers, netns, veths, bridge, cgroups, mounts, data dirs. docs/multi-node.md does the same
// by hand.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claimSubnet, ip, killQuietly, mustIp } from './host-network.js';
import { removeCgroupRoot } from '../kubelet/host/cgroups.js';
import { mountPointsUnder, unmount } from '../kubelet/volumes/host-mounts.js';
import { containerdSocketPath } from '../kubelet/containerd/supervisor.js';
import { removeAllSandboxes } from '../kubelet/testing/private-containerd.js';
import { eventually, runProcess, startTestCluster, type TestCluster, type TestClusterOptions } from './harness.js';
import { killProcessesUnder } from './leftovers.js';
import { podHelpers, unusedClusterCidr } from './node-harness.js';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../cli/main.js');

export interface TestNodeSpec {
  /** Extra `k8ts agent` flags for this node (e.g. labels). */
  args?: string[];
}

export interface MultiNodeOptions extends TestClusterOptions {
  /** How many nodes, or one spec per node. */
  nodes: number | TestNodeSpec[];
  /** --flannel-backend of every agent (default vxlan). */
  flannelBackend?: 'vxlan' | 'host-gw' | 'none';
  /** Flags every agent gets. */
  agentArgs?: string[];
  /** How long to wait for each node to be Ready (default 120 s). */
  readyTimeoutMs?: number;
}

export interface TestNode {
  name: string;
  /** The node's address on the shared bridge (its InternalIP). */
  ip: string;
  netns: string;
  /** The agent's --data-dir. */
  dataDir: string;
  cgroupRoot: string;
  /** The agent's log (stderr). */
  logFile: string;
  /** The CRI endpoint of the node's containerd (reachable from the host: a unix socket). */
  containerdEndpoint: string;
  /** Whether the agent process runs. */
  readonly running: boolean;
  /** Starts the agent (again); resolves once its Node is Ready. */
  start(): Promise<void>;
  /**
   * Stops the agent: SIGTERM (then SIGKILL after 15 s) stops it as a service manager would (it
   * stops its containerd too; containers keep running); SIGKILL is a crash (containerd stays).
   */
  stopAgent(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Runs a command inside the node's network namespace. */
  exec(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs `k8ts …` (this build) inside the node's network namespace. */
  k8ts(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

export interface MultiNodeCluster extends TestCluster {
  nodes: TestNode[];
  /** The host bridge, its address (the control plane's, and a host outside the cluster) and subnet. */
  bridge: string;
  hostIP: string;
  subnet: string;
  clusterCidr: string;
  backend: string;
  /** The VXLAN device of every node (unique to the run). */
  flannelDevice: string;
  apply(yaml: string): Promise<void>;
  /** The pod's JSON once `check` holds for it. */
  waitPod(name: string, check: (pod: any) => boolean, timeoutMs?: number, namespace?: string): Promise<any>;
  /** `kubectl exec` in a pod; resolves with the output, rejects on a non-zero exit. */
  execPod(name: string, cmd: string[], namespace?: string): Promise<string>;
}

export async function startMultiNodeCluster(opts: MultiNodeOptions): Promise<MultiNodeCluster> {
  const specs: TestNodeSpec[] = typeof opts.nodes === 'number' ? Array.from({ length: opts.nodes }, () => ({})) : opts.nodes;
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const bridge = `k8mb${tag}`;
  let n = 0;
  let hostIP = '';
  let subnet = '';
  const backend = opts.flannelBackend ?? 'vxlan';
  const flannelDevice = `fl.${tag}`;
  const netnses: string[] = [];
  const cgroupRoots: string[] = [];
  const nodes: TestNode[] = [];
  let c: TestCluster | undefined;
  let stopControlPlane: (() => Promise<void>) | undefined;
  let clusterCidr = '';
  const teardown = async (): Promise<void> => {
    const step = timed('teardown');
    // SIGKILL: no agent may recreate a sandbox while they go, and containerd (its own session)
    // stays up to remove them properly, network namespaces and all.
    await Promise.all(nodes.map((node) => node.stopAgent('SIGKILL')));
    await Promise.all(nodes.map((node) => removeAllSandboxes(node.containerdEndpoint)));
    step('sandboxes removed');
    for (const node of nodes) {
      // A node whose containerd was stopped with its agent: its pods' network namespaces are
      // found through the containers still running in its cgroup root.
      await removePodNetnsOf(node.cgroupRoot);
      await removeCgroupRoot(node.cgroupRoot).catch(() => undefined);
      await killProcessesUnder(realpathSync(node.dataDir)).catch(() => undefined);
      for (const m of await mountPointsUnder(node.dataDir).catch(() => [])) await unmount(m).catch(() => undefined);
    }
    step('containers, processes and mounts gone');
    // Anything still running in a node's namespace (the workers of an nginx whose master died with
    // its agent: their command lines name no path) would keep it alive.
    for (const ns of netnses) {
      const pids = (await ip(['netns', 'pids', ns])).stdout.split('\n').map(Number).filter((pid) => pid > 1);
      for (const pid of pids) killQuietly(pid);
    }
    // The namespace goes once nothing runs in it, and with it the node's veth, bridge, VXLAN
    // device, routes and nft tables; the host end of each veth goes with its peer.
    for (const ns of netnses) await ip(['netns', 'del', ns]);
    await ip(['link', 'del', bridge]);
    await stopControlPlane?.();
    step('control plane stopped');
  };
  try {
    // The bridge exists before the control plane starts, so its certificate names the address.
    await mustIp(['link', 'add', bridge, 'type', 'bridge']);
    n = await claimSubnet(bridge);
    hostIP = `192.168.${n}.1`;
    subnet = `192.168.${n}.0/24`;
    await mustIp(['link', 'set', bridge, 'up']);
    clusterCidr = opts.clusterCidr ?? (await unusedClusterCidr());
    c = await startTestCluster({ ...opts, clusterCidr, bindAddress: '0.0.0.0' });
    stopControlPlane = c.stop;
    const cluster = c;
    // The agents reach the API server on the bridge, from inside their namespaces.
    const kubeconfig = readFileSync(c.kubeconfig, 'utf8').replace(/server: https:\/\/[^\s:]+:(\d+)/, `server: https://${hostIP}:$1`);
    for (const [i, spec] of specs.entries()) {
      const name = `mn-${tag}-${i}`;
      const netns = `k8ts-mn-${tag}-${i}`;
      const nodeIP = `192.168.${n}.${10 + i}`;
      const veth = `k8mv${tag}h${i}`;
      const dataDir = join(c.dataDir, 'nodes', name);
      mkdirSync(dataDir, { recursive: true });
      const kc = join(dataDir, 'kubeconfig.yaml');
      writeFileSync(kc, kubeconfig, { mode: 0o600 });
      await mustIp(['netns', 'add', netns]);
      netnses.push(netns);
      await mustIp(['link', 'add', veth, 'type', 'veth', 'peer', 'name', `k8mv${tag}n${i}`]);
      await mustIp(['link', 'set', `k8mv${tag}n${i}`, 'netns', netns]);
      await mustIp(['link', 'set', veth, 'master', bridge, 'up']);
      await mustIp(['-n', netns, 'link', 'set', `k8mv${tag}n${i}`, 'name', 'eth0']);
      await mustIp(['-n', netns, 'addr', 'add', `${nodeIP}/24`, 'dev', 'eth0']);
      await mustIp(['-n', netns, 'link', 'set', 'eth0', 'up']);
      await mustIp(['-n', netns, 'link', 'set', 'lo', 'up']);
      const cgroupRoot = `/k8ts-test-${tag}-${i}`;
      cgroupRoots.push(cgroupRoot);
      const args = [
        ...['--net=/run/netns/' + netns, '--', process.execPath, MAIN, 'agent'],
        ...['--data-dir', dataDir, '--kubeconfig', kc, '--node-name', name, '--node-ip', nodeIP],
        ...['--cgroup-root', cgroupRoot, '--cluster-cidr', clusterCidr, '--flannel-backend', backend, '--flannel-device', flannelDevice],
        ...(opts.agentArgs ?? []),
        ...(spec.args ?? []),
      ];
      nodes.push(testNode({ cluster, name, ip: nodeIP, netns, dataDir, cgroupRoot, args, readyTimeoutMs: opts.readyTimeoutMs ?? 120_000, podNetwork: backend !== 'none' }));
    }
    await Promise.all(nodes.map((node) => node.start()));
  } catch (err) {
    await teardown();
    throw err;
  }
  const cl = c;
  return Object.assign(cl, {
    nodes,
    bridge,
    hostIP,
    subnet,
    clusterCidr,
    backend,
    flannelDevice,
    ...podHelpers(cl),
    async execPod(name: string, cmd: string[], namespace = 'default') {
      const r = await cl.kubectl(['exec', '-n', namespace, name, '--', ...cmd], { timeoutMs: 30_000 });
      if (r.code !== 0) throw new Error(`exec in ${name} (${cmd.join(' ')}) exited ${r.code}: ${r.stderr.trim()}`);
      return r.stdout;
    },
    stop: teardown,
  });
}

interface NodeParams {
  cluster: TestCluster;
  name: string;
  ip: string;
  netns: string;
  dataDir: string;
  cgroupRoot: string;
  args: string[];
  readyTimeoutMs: number;
  /** Ready also waits for the pod network to publish the node (its flannel annotations). */
  podNetwork: boolean;
}

function testNode(p: NodeParams): TestNode {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const logFile = join(p.dataDir, 'agent.log');
  const node: TestNode = {
    name: p.name,
    ip: p.ip,
    netns: p.netns,
    dataDir: p.dataDir,
    cgroupRoot: p.cgroupRoot,
    logFile,
    containerdEndpoint: `unix://${containerdSocketPath(join(p.dataDir, 'agent'))}`,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async start() {
      if (node.running) return;
      const out = createWriteStream(logFile, { flags: 'a' });
      const proc = spawn('nsenter', p.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stdout.pipe(out);
      proc.stderr.pipe(out);
      if (process.env['K8TS_TEST_LOG']) proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[${p.name}] ${d}`));
      child = proc;
      exited = new Promise((r) => proc.once('close', () => r()));
      try {
        await eventually(async () => {
          if (!node.running) throw new Error(`agent exited (${proc.exitCode ?? proc.signalCode})`);
          const r = await p.cluster.http('GET', `/api/v1/nodes/${p.name}`);
          const ready = r.status === 200 ? r.json().status?.conditions?.find((c: any) => c.type === 'Ready') : undefined;
          return ready?.status === 'True' && (!p.podNetwork || r.json().metadata?.annotations?.['flannel.alpha.coreos.com/public-ip'] !== undefined);
        }, p.readyTimeoutMs, 250);
      } catch (err) {
        const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
        throw new Error(`node ${p.name} did not become Ready: ${(err as Error).message}\n${tail}`);
      }
    },
    async stopAgent(signal = 'SIGTERM') {
      const proc = child;
      if (!proc || !node.running) return;
      proc.kill(signal);
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
    exec(args: string[]) {
      return ip(['netns', 'exec', p.netns, ...args]);
    },
    k8ts(args: string[]) {
      return node.exec([process.execPath, MAIN, ...args]);
    },
  };
  return node;
}

function timed(what: string): (step: string) => void {
  const t0 = Date.now();
  return (step) => {
    if (process.env['K8TS_TEST_LOG']) process.stderr.write(`[multi-node] ${what}: ${step} after ${Date.now() - t0} ms\n`);
  };
}

/** Network namespace inodes of the processes in a cgroup root (any controller's hierarchy). */
async function netnsInodesIn(cgroupRoot: string): Promise<Set<number>> {
  const out = new Set<number>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await walk(join(dir, e.name));
    for (const pid of (await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean)) {
      const st = await stat(`/proc/${pid}/ns/net`).catch(() => undefined);
      if (st) out.add(st.ino);
    }
  };
  // cgroup v1 has a hierarchy per controller, v2 one: walking each finds every process either way.
  for (const h of await readdir('/sys/fs/cgroup').catch(() => [])) await walk(join('/sys/fs/cgroup', h, cgroupRoot));
  await walk(join('/sys/fs/cgroup', cgroupRoot));
  return out;
}

/** Unmounts and removes the /run/netns entries (containerd's cni-*) of the pods still running in a cgroup root. */
async function removePodNetnsOf(cgroupRoot: string): Promise<void> {
  const inodes = await netnsInodesIn(cgroupRoot);
  if (inodes.size === 0) return;
  for (const name of await readdir('/run/netns').catch(() => [])) {
    if (!name.startsWith('cni-')) continue;
    const st = await stat(join('/run/netns', name)).catch(() => undefined);
    if (!st || !inodes.has(st.ino)) continue;
    await unmount(join('/run/netns', name)).catch(() => undefined);
    await rm(join('/run/netns', name), { force: true }).catch(() => undefined);
  }
}
