// Pod start-up on a real node (issue 5): create → Running, seen through a watch, for 30 pods one
// at a time and for a batch of 10, with the image already imported. Processes as a user runs
// them: `k8ts server --disable-agent` and `k8ts agent` (containerd as its child). The reference,
// in the same run, is a bare `runc run` of the same image's rootfs. Needs root, containerd, runc
// and the CNI plugins. Goals: p99 ≤ 1 s one at a time, a batch of 10 ≤ 3 s, agent RSS with 30
// pods ≤ 100 MB. BENCH_AGENT_NODE_ARGS passes flags to the agent's node (e.g. --cpu-prof).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import type { Pod } from '../src/api/core/v1/pod/types.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { R, resourcePath } from '../src/client/resources.js';
import { RestClient } from '../src/client/rest.js';
import { removeCgroupRoot } from '../src/kubelet/host/cgroups.js';
import { buildBusyboxImage, buildBusyboxRootfs } from '../src/kubelet/images/builtin.js';
import { CLI, freePort, nodeArgs, percentile, rssMiB, startProcess, stopProcesses } from './lib/processes.js';

const run = promisify(execFile);
const SEQUENTIAL = Number(process.env['BENCH_SEQUENTIAL'] ?? 30);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 10);
const IDLE_MS = Number(process.env['BENCH_IDLE_MS'] ?? 15_000);
const NS = 'default';
const IMAGE = 'docker.io/library/busybox:bench';

function pod(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { bench: 'startup' } },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
  } as Pod;
}

/** Resolves each pod's Running time as the watch reports it. */
class RunningWatch {
  private readonly waiters = new Map<string, (t: number) => void>();
  private readonly seen = new Map<string, number>();
  private readonly handle;

  constructor(client: RestClient) {
    this.handle = client.watch<Pod>(`${resourcePath(R.pods, NS)}?watch=1&labelSelector=bench%3Dstartup`, (ev) => {
      const p = ev.object;
      if (p.status?.phase !== 'Running' || this.seen.has(p.metadata.name!)) return;
      const t = performance.now();
      this.seen.set(p.metadata.name!, t);
      this.waiters.get(p.metadata.name!)?.(t);
    });
  }

  running(name: string): Promise<number> {
    const t = this.seen.get(name);
    if (t !== undefined) return Promise.resolve(t);
    return new Promise((resolve) => this.waiters.set(name, resolve));
  }

  stop(): void {
    this.handle.stop();
  }
}

async function deleteAll(client: RestClient): Promise<void> {
  await client.request('DELETE', `${resourcePath(R.pods, NS)}?labelSelector=bench%3Dstartup&gracePeriodSeconds=1`);
  for (;;) {
    const list = await client.get<{ items: Pod[] }>(`${resourcePath(R.pods, NS)}?labelSelector=bench%3Dstartup`);
    if (!list.items.length) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `runc run` of busybox `true` in a bundle made from the same rootfs: the floor under any pod start. */
async function runcReference(dir: string, runs: number): Promise<number[]> {
  const bundle = join(dir, 'bundle');
  mkdirSync(bundle, { recursive: true });
  await buildBusyboxRootfs(join(bundle, 'rootfs'));
  await run('runc', ['spec', '--bundle', bundle]);
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['/bin/true'];
  spec.root.readonly = true;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run('runc', ['run', '--bundle', bundle, `k8ts-bench-ref-${process.pid}-${i}`]);
    times.push(performance.now() - t0);
  }
  return times;
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-startup-bench-'));
  const children: ChildProcess[] = [];
  let client: RestClient | undefined;
  let watch: RunningWatch | undefined;
  try {
    const port = await freePort();
    const kubeletPort = await freePort();
    children.push(await startProcess('k8ts server', ['server', '--data-dir', dir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent'], [], /listening on/));
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    const t0 = performance.now();
    const agent = await startProcess(
      'k8ts agent',
      ['agent', '--server', `https://127.0.0.1:${port}`, '--token', token, '--data-dir', dir, '--node-name', 'bench-node', '--kubelet-port', String(kubeletPort), '--pod-cidr', '10.98.0.0/24', '--cni-bridge', 'k8tsbench', '--cgroup-root', '/k8ts-bench'],
      nodeArgs('BENCH_AGENT_NODE_ARGS'),
      /registered against/,
    );
    children.push(agent);
    console.log(`agent up (containerd started, node registered) in ${fmt(performance.now() - t0)}`);
    const archive = join(dir, 'busybox.tar');
    await buildBusyboxImage(archive, IMAGE);
    await run(process.execPath, [CLI, 'image', 'import', '--data-dir', dir, archive]);

    client = new RestClient(loadKubeconfig(join(dir, 'kubeconfig.yaml')), 'startup-bench');
    watch = new RunningWatch(client);
    // One pod first, not counted: the first sandbox pays for CNI and containerd warm-up.
    await client.create(resourcePath(R.pods, NS), pod('warmup'));
    await watch.running('warmup');

    const sequential: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const name = `seq-${i}`;
      const start = performance.now();
      await client.create(resourcePath(R.pods, NS), pod(name));
      sequential.push((await watch.running(name)) - start);
    }
    // Right after the burst, and once the agent has settled with its pods running (V8 gives back
    // the young generation it grew during the burst only after some idle seconds).
    await new Promise((r) => setTimeout(r, 2000));
    const burstRss = rssMiB(agent.pid!);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const rss = rssMiB(agent.pid!);
    console.log(`one at a time (${SEQUENTIAL} pods): p50 ${fmt(percentile(sequential, 50))}, p99 ${fmt(percentile(sequential, 99))}, max ${fmt(Math.max(...sequential))} (goal p99 <= 1000 ms)`);
    const mb = (mib: number) => `${mib.toFixed(1)} MiB = ${((mib * 1048576) / 1e6).toFixed(1)} MB`;
    console.log(`agent RSS with ${SEQUENTIAL + 1} pods running: ${mb(burstRss)} 2 s after the last start; settled (${(2000 + IDLE_MS) / 1000} s): ${mb(rss)} (goal <= 100 MB)`);
    await deleteAll(client);

    const start = performance.now();
    const names = Array.from({ length: BATCH }, (_, i) => `batch-${i}`);
    await Promise.all(names.map((n) => client!.create(resourcePath(R.pods, NS), pod(n))));
    const batch = (await Promise.all(names.map((n) => watch!.running(n)))).map((t) => t - start);
    console.log(`batch of ${BATCH}: all Running in ${fmt(Math.max(...batch))}, first ${fmt(Math.min(...batch))}, p50 ${fmt(percentile(batch, 50))} (goal all <= 3000 ms)`);
    await deleteAll(client);

    const ref = await runcReference(dir, SEQUENTIAL);
    console.log(`reference, bare runc run of busybox true (${SEQUENTIAL} runs): p50 ${fmt(percentile(ref, 50))}, p99 ${fmt(percentile(ref, 99))}`);
  } finally {
    watch?.stop();
    client?.close();
    await stopProcesses(children);
    await run('ip', ['link', 'del', 'k8tsbench']).catch(() => undefined);
    await removeCgroupRoot('/k8ts-bench');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`pod-startup benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
