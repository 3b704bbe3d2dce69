// Time from create to Running of a pod with a fresh local-path volume (its claim created with it:
// the scheduler selects the node, the PV binder hands the claim to the provisioner, which makes
// the directory and the PV, the binder binds, the scheduler binds the pod, the kubelet mounts),
// against the same pod with an emptyDir, alternating in the same run, 30 of each. Processes as a
// user runs them: `k8ts server --disable-agent` and `k8ts agent` (which runs the local-path
// provisioner for its node under its own identity). Needs root, containerd, runc and the CNI
// plugins. Goal: local-path p50 ≤ 1.5× the emptyDir p50.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import type { Pod } from '../src/api/core/v1/pod/types.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { R, resourcePath } from '../src/client/resources.js';
import { RestClient } from '../src/client/rest.js';
import { removeCgroupRoot } from '../src/kubelet/host/cgroups.js';
import { buildBusyboxImage } from '../src/kubelet/images/builtin.js';
import { CLI, freePort, percentile, startProcess, stopProcesses } from './lib/processes.js';

const run = promisify(execFile);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 30);
const NS = 'default';
const IMAGE = 'docker.io/library/busybox:bench';

function pod(name: string, volume: Record<string, unknown>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { bench: 'local-path' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'app', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', ...volume }],
    },
  } as Pod;
}

const claim = (name: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, labels: { bench: 'local-path' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } } });

/** Each pod's Running time as a watch reports it. */
class RunningWatch {
  private readonly waiters = new Map<string, (t: number) => void>();
  private readonly seen = new Map<string, number>();
  private readonly handle;

  constructor(client: RestClient) {
    this.handle = client.watch<Pod>(`${resourcePath(R.pods, NS)}?watch=1&labelSelector=bench%3Dlocal-path`, (ev) => {
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
  await client.request('DELETE', `${resourcePath(R.pods, NS)}?labelSelector=bench%3Dlocal-path&gracePeriodSeconds=1`);
  await client.request('DELETE', `${resourcePath(R.persistentvolumeclaims, NS)}?labelSelector=bench%3Dlocal-path`);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const pvs = await client.get<{ items: unknown[] }>(resourcePath(R.persistentvolumes));
    if (!pvs.items.length) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log('some local-path volumes were not deleted within 120 s');
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-local-path-bench-'));
  const children: ChildProcess[] = [];
  let client: RestClient | undefined;
  let watch: RunningWatch | undefined;
  try {
    const port = await freePort();
    const kubeletPort = await freePort();
    children.push(await startProcess('k8ts server', ['server', '--data-dir', dir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent'], [], /listening on/));
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    children.push(
      await startProcess(
        'k8ts agent',
        ['agent', '--server', `https://127.0.0.1:${port}`, '--token', token, '--data-dir', dir, '--node-name', 'bench-node', '--kubelet-port', String(kubeletPort), '--pod-cidr', '10.97.0.0/24', '--cni-bridge', 'k8tslpbench', '--cgroup-root', '/k8ts-lp-bench', '--disable-ingress', '--flannel-backend', 'none'],
        [],
        /registered against/,
      ),
    );
    const archive = join(dir, 'busybox.tar');
    await buildBusyboxImage(archive, IMAGE);
    await run(process.execPath, [CLI, 'image', 'import', '--data-dir', dir, archive]);
    client = new RestClient(loadKubeconfig(join(dir, 'kubeconfig.yaml')), 'local-path-bench');
    const c = client;
    // The provisioner creates the default class as the agent comes up.
    for (let i = 0; ; i++) {
      const sc = await c.get(resourcePath(R.storageclasses, undefined, 'local-path')).catch(() => undefined);
      if (sc) break;
      if (i > 200) throw new Error('no local-path StorageClass after 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    watch = new RunningWatch(c);
    // Warm-up, not counted: the first sandbox pays for CNI and containerd, the first claim for the informers.
    await c.create(resourcePath(R.persistentvolumeclaims, NS), claim('warm'));
    await c.create(resourcePath(R.pods, NS), pod('warm-lp', { persistentVolumeClaim: { claimName: 'warm' } }));
    await c.create(resourcePath(R.pods, NS), pod('warm-ed', { emptyDir: {} }));
    await Promise.all([watch.running('warm-lp'), watch.running('warm-ed')]);

    const emptyDir: number[] = [];
    const localPath: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let start = performance.now();
      await c.create(resourcePath(R.pods, NS), pod(`ed-${i}`, { emptyDir: {} }));
      emptyDir.push((await watch.running(`ed-${i}`)) - start);
      start = performance.now();
      await c.create(resourcePath(R.persistentvolumeclaims, NS), claim(`lp-${i}`));
      await c.create(resourcePath(R.pods, NS), pod(`lp-${i}`, { persistentVolumeClaim: { claimName: `lp-${i}` } }));
      localPath.push((await watch.running(`lp-${i}`)) - start);
    }
    const e50 = percentile(emptyDir, 50);
    const l50 = percentile(localPath, 50);
    console.log(`emptyDir pod, create → Running (${RUNS}): p50 ${fmt(e50)}, p99 ${fmt(percentile(emptyDir, 99))}`);
    console.log(`local-path claim + pod, create → Running (${RUNS}): p50 ${fmt(l50)}, p99 ${fmt(percentile(localPath, 99))}`);
    console.log(`ratio p50 ${(l50 / e50).toFixed(2)}×, p99 ${(percentile(localPath, 99) / percentile(emptyDir, 99)).toFixed(2)}× (goal <= 1.5×)`);
    await deleteAll(c);
  } finally {
    watch?.stop();
    client?.close();
    await stopProcesses(children);
    await run('ip', ['link', 'del', 'k8tslpbench']).catch(() => undefined);
    await removeCgroupRoot('/k8ts-lp-bench');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`local-path benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
