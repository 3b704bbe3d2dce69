// Scheduler benchmark in the shape of upstream's scheduler_perf SchedulingBasic: 5000 nodes,
// 1000 pods placed first, then 10,000 pods whose scheduling is timed, reported as pods/s.
// Three processes, so each has a core's worth of event loop as in a real deployment: the control
// plane without its built-in scheduler (this file run with --control-plane), `k8ts scheduler`,
// and this one, which creates the objects and watches the pods get bound.
// BENCH_NODES, BENCH_INIT_PODS, BENCH_PODS override the sizes; BENCH_STORE=memory uses the
// memory store instead of sqlite.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { R, resourcePath } from '../src/client/resources.js';
import { RestClient } from '../src/client/rest.js';
import { startControlPlane } from '../src/cluster/control-plane.js';
import type { Pod } from '../src/api/core/v1/pod/types.js';
import { freePort } from './lib/processes.js';

const NODES = Number(process.env['BENCH_NODES'] ?? 5000);
const INIT_PODS = Number(process.env['BENCH_INIT_PODS'] ?? 1000);
const PODS = Number(process.env['BENCH_PODS'] ?? 10_000);
const CONCURRENCY = 50;
const NS = 'sched-bench';


function waitForLine(child: ChildProcess, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes(text)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`process exited ${code}: ${log}`)));
  });
}

async function startServer(dir: string): Promise<ChildProcess> {
  const port = await freePort();
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, process.argv[1]!, '--control-plane', dir, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForLine(child, 'listening on');
  return child;
}

async function startSchedulerProcess(dir: string): Promise<ChildProcess> {
  const nodeArgs = (process.env['BENCH_SCHED_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(process.cwd(), 'dist', 'src', 'cli', 'main.js'), 'scheduler', '--kubeconfig', join(dir, 'kubeconfig.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForLine(child, 'started against');
  return child;
}

/** The child mode: an API server (sqlite unless BENCH_STORE=memory) with controllers and no scheduler. */
async function runControlPlane(dir: string, port: number): Promise<void> {
  const cp = await startControlPlane({ disableMetricsServer: true,
    dataDir: dir,
    port,
    bindAddress: '127.0.0.1',
    datastoreEndpoint: process.env['BENCH_STORE'] === 'memory' ? 'memory://' : undefined,
    disableScheduler: true,
  });
  process.stderr.write(`listening on ${cp.url}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await cp.stop();
}

/** Run `count` jobs with at most `limit` in flight. */
async function bounded(count: number, limit: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        await job(i);
      }
    }),
  );
}

function node(i: number) {
  const name = `node-${i}`;
  const allocatable = { cpu: '4', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  };
}

/** SchedulingBasic's pod: one container with small requests. */
function pod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sched-bench-'));
  const child = await startServer(dir);
  const sched = await startSchedulerProcess(dir);
  const client = new RestClient(loadKubeconfig(join(dir, 'kubeconfig.yaml')), 'sched-bench');
  const bound = new Set<string>();
  let onBound: (() => void) | undefined;
  const watch = client.watch<Pod>(`${resourcePath(R.pods, NS)}?watch=1&resourceVersion=0`, (ev) => {
    if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && ev.object.spec?.nodeName && !bound.has(ev.object.metadata.name!)) {
      bound.add(ev.object.metadata.name!);
      onBound?.();
    }
  });
  const waitBound = (n: number, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${bound.size}/${n} pods bound after ${timeoutMs} ms`)), timeoutMs);
      onBound = () => {
        if (bound.size >= n) {
          clearTimeout(timer);
          resolve();
        }
      };
      onBound();
    });
  try {
    await client.create(resourcePath(R.namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    let t0 = performance.now();
    await bounded(NODES, CONCURRENCY, (i) => client.create(resourcePath(R.nodes), node(i)));
    console.log(`created ${NODES} nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    t0 = performance.now();
    await bounded(INIT_PODS, CONCURRENCY, (i) => client.create(resourcePath(R.pods, NS), pod(`init-${i}`)));
    await waitBound(INIT_PODS, 120_000);
    console.log(`${INIT_PODS} initial pods created and scheduled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // The measured phase: pods are created while the scheduler runs, as in scheduler_perf; the
    // clock stops when the last one is bound.
    t0 = performance.now();
    let created = 0;
    const creating = bounded(PODS, CONCURRENCY, async (i) => {
      await client.create(resourcePath(R.pods, NS), pod(`p-${i}`));
      created++;
    }).then(() => performance.now() - t0);
    await waitBound(INIT_PODS + PODS, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const createSeconds = (await creating) / 1000;
    console.log(`created ${created} pods in ${createSeconds.toFixed(1)} s (${(PODS / createSeconds).toFixed(0)} creates/s)`);
    console.log(`scheduled ${PODS} pods on ${NODES} nodes in ${seconds.toFixed(1)} s: ${(PODS / seconds).toFixed(0)} pods/s (goal >= 1000)`);
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (rss) console.log(`API server RSS: ${(Number(rss[1]) / 1024).toFixed(0)} MiB`);
    const srss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${sched.pid}/status`, 'utf8'));
    if (srss) console.log(`scheduler RSS: ${(Number(srss[1]) / 1024).toFixed(0)} MiB`);
  } finally {
    watch.stop();
    client.close();
    for (const p of [sched, child]) {
      p.kill('SIGTERM');
      await new Promise((r) => p.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = process.argv[2] === '--control-plane' ? runControlPlane(process.argv[3]!, Number(process.argv[4])) : main();
entry.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
