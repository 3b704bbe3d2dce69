// A control plane plus one real node (containerd, runc, CNI) for end-to-end tests. Every name the
// host sees is unique to the run (node, bridge, pod range, cgroup root), so test files can run
// side by side, and stop() leaves the host as it was: pods removed, bridge and cgroups deleted.
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { removeCgroupRoot } from '../kubelet/host/cgroups.js';
import { buildBusyboxImage } from '../kubelet/images/builtin.js';
import { importImageArchive } from '../kubelet/images/import.js';
import { startNodeAgent, type NodeAgent, type NodeAgentOptions } from '../kubelet/node/agent.js';
import { eventually, startTestCluster, type TestCluster, type TestClusterOptions } from './harness.js';

const run = promisify(execFile);

/** The image every node test runs: the host's busybox-static, imported into the node's containerd. */
export const TEST_IMAGE = 'docker.io/library/busybox:k8ts-test';

export interface NodeTestCluster extends TestCluster {
  agent: NodeAgent;
  nodeName: string;
  podCIDR: string;
  /** The node's CNI bridge (unique to the run). */
  bridge: string;
  /** Apply a manifest given as YAML text. */
  apply(yaml: string): Promise<void>;
  /** The pod's JSON, once `check` holds for it. */
  waitPod(name: string, check: (pod: any) => boolean, timeoutMs?: number, namespace?: string): Promise<any>;
}

export interface NodeTestOptions extends TestClusterOptions {
  agent?: Partial<NodeAgentOptions>;
}

/** A 10.x.0.0/16 no route on this host uses yet, so test clusters running side by side never overlap. */
export async function unusedClusterCidr(): Promise<string> {
  const { stdout } = await run('ip', ['-4', 'route', 'show']);
  for (;;) {
    const octet = randomInt(100, 250);
    if (!stdout.includes(`10.${octet}.`)) return `10.${octet}.0.0/16`;
  }
}

export async function startNodeTestCluster(opts: NodeTestOptions = {}): Promise<NodeTestCluster> {
  const c = await startTestCluster({ ...opts, addons: opts.addons ?? {}, clusterCidr: opts.clusterCidr ?? (await unusedClusterCidr()) });
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const nodeName = `node-${tag}`;
  const bridge = `k8ts${tag}`;
  const cgroupRoot = `/k8ts-test-${tag}`;
  let agent: NodeAgent | undefined;
  try {
    agent = await startNodeAgent({
      client: loadKubeconfig(c.kubeconfig),
      dataDir: join(c.dataDir, 'agent'),
      nodeName,
      kubeletPort: 0,
      cniBridge: bridge,
      cgroupRoot,
      log: process.env['K8TS_TEST_LOG'] ? (line) => process.stderr.write(`[agent] ${line}\n`) : undefined,
      ...opts.agent,
    });
    const archive = join(c.dataDir, 'busybox.tar');
    await buildBusyboxImage(archive, TEST_IMAGE);
    await importImageArchive(agent.containerdEndpoint, archive);
  } catch (err) {
    await agent?.stop({ removePods: true });
    await cleanupHost(bridge, cgroupRoot);
    await c.stop();
    throw err;
  }
  const a = agent;
  const stopCluster = c.stop;
  // The control plane's node IPAM controller gave the node its range.
  const podCIDR = (await c.http('GET', `/api/v1/nodes/${nodeName}`)).json().spec.podCIDR as string;
  return Object.assign(c, {
    agent: a,
    nodeName,
    podCIDR,
    bridge,
    ...podHelpers(c),
    async stop() {
      await a.stop({ removePods: true });
      await cleanupHost(bridge, cgroupRoot);
      await stopCluster();
    },
  });
}

/** Applying manifests and waiting for pods, for the node harnesses. */
export function podHelpers(c: TestCluster): Pick<NodeTestCluster, 'apply' | 'waitPod'> {
  return {
    async apply(yaml: string) {
      const r = await c.kubectl(['apply', '-f', '-'], { input: yaml });
      if (r.code !== 0) throw new Error(`kubectl apply failed: ${r.stderr}`);
    },
    async waitPod(name: string, check: (pod: any) => boolean, timeoutMs = 30_000, namespace = 'default') {
      let last: any;
      return eventually(async () => {
        const r = await c.http('GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
        if (r.status !== 200) return undefined;
        last = r.json();
        return check(last) ? last : undefined;
      }, timeoutMs, 100).catch((err: Error) => {
        // What the pod showed last says more than a timeout does.
        const shown = last ? `phase ${last.status?.phase}, containers ${JSON.stringify(last.status?.containerStatuses?.map((s: any) => ({ name: s.name, state: s.state })))}` : 'never found';
        throw new Error(`pod ${namespace}/${name}: ${err.message}; last seen: ${shown}`);
      });
    },
  };
}

/** What a test node leaves on the host once its pods are gone: its bridge and its cgroup root. */
export async function cleanupHost(bridge: string, cgroupRoot: string): Promise<void> {
  await run('ip', ['link', 'del', bridge]).catch(() => undefined);
  await removeCgroupRoot(cgroupRoot);
}

/** `name: value` lines of a pod manifest's containers are verbose in YAML; this keeps tests short. */
export function podYaml(name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...meta }, spec: { terminationGracePeriodSeconds: 2, ...spec } });
}
