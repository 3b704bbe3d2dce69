// Desired-state scale benchmark (issue 4): one Deployment of 10,000 replicas on 1,000 simulated
// nodes, timed from the create until every pod is Running and the Deployment reports all of them
// available. Three processes, started the way a user runs them: `k8ts server` (sqlite store,
// controllers and scheduler in-process), `k8ts agent --runtime sim` joining with the server's
// token, and this one, which creates the Deployment and follows pods and Deployment through
// informers (one list, then watches), so observing costs the server no repeated LISTs.
// BENCH_NODES and BENCH_REPLICAS override the sizes; BENCH_NODE_ARGS / BENCH_AGENT_NODE_ARGS
// pass flags (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof) to the server's / agent's node;
// BENCH_AGENT_ARGS adds agent flags (e.g. --sim-no-events); BENCH_TIMEOUT_MS bounds the wait.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deployment } from '../src/api/apps/v1/types.js';
import type { Pod } from '../src/api/core/v1/pod/types.js';
import { Informer } from '../src/client/informer.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { keyOf, R, resourcePath } from '../src/client/resources.js';
import { RestClient } from '../src/client/rest.js';
import { cpuSeconds, freePort, nodeArgs, rssMiB, startProcess, stopProcesses } from './lib/processes.js';

const NODES = Number(process.env['BENCH_NODES'] ?? 1000);
const REPLICAS = Number(process.env['BENCH_REPLICAS'] ?? 10_000);
const TIMEOUT_MS = Number(process.env['BENCH_TIMEOUT_MS'] ?? 10 * 60_000);
const NS = 'scale-bench';
const NAME = 'web';
function deployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NS },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: NAME } },
      template: {
        metadata: { labels: { app: NAME } },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  } as Deployment;
}

async function countEvents(client: RestClient): Promise<number> {
  let n = 0;
  let cont = '';
  do {
    const page = await client.get<{ items: unknown[]; metadata: { continue?: string } }>(`${resourcePath(R.events, NS)}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    n += page.items.length;
    cont = page.metadata.continue ?? '';
  } while (cont);
  return n;
}

const isRunning = (p: Pod): boolean => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-scale-bench-'));
  const children: ChildProcess[] = [];
  let client: RestClient | undefined;
  const informers: Informer[] = [];
  try {
    const port = await freePort();
    const server = await startProcess(
      'k8ts server',
      ['server', '--data-dir', dir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent'],
      nodeArgs('BENCH_NODE_ARGS'),
      /listening on/,
    );
    children.push(server);
    let t0 = performance.now();
    const agent = await startProcess(
      'k8ts agent',
      ['agent', '--runtime', 'sim', '--sim-nodes', String(NODES), '--server', `https://127.0.0.1:${port}`, '--data-dir', dir, ...nodeArgs('BENCH_AGENT_ARGS')],
      nodeArgs('BENCH_AGENT_NODE_ARGS'),
      /node\(s\) registered against/,
    );
    children.push(agent);
    console.log(`sim agent registered ${NODES} nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    client = new RestClient(loadKubeconfig(join(dir, 'kubeconfig.yaml')), 'scale-bench');
    await client.create(resourcePath(R.namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });

    // Level-triggered completion check, run after every event either informer delivers.
    const running = new Set<string>();
    const pods = new Informer<Pod>(client, R.pods, { namespace: NS });
    const deployments = new Informer<Deployment>(client, R.deployments, { namespace: NS });
    informers.push(pods as unknown as Informer, deployments as unknown as Informer);
    let check: () => void = () => undefined;
    const track = (p: Pod) => {
      if (isRunning(p)) running.add(keyOf(p));
      else running.delete(keyOf(p));
      check();
    };
    pods.addHandlers({ add: track, update: (_o, n) => track(n), delete: (p) => (running.delete(keyOf(p)), check()) });
    deployments.addHandlers({ add: () => check(), update: () => check() });
    pods.start();
    deployments.start();
    await Promise.all([pods.waitForSync(), deployments.waitForSync()]);

    const available = () => deployments.get(`${NS}/${NAME}`)?.status?.availableReplicas ?? 0;
    let runningAt: number | undefined;
    const serverCpu0 = cpuSeconds(server.pid!);
    const agentCpu0 = cpuSeconds(agent.pid!);
    t0 = performance.now();
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${TIMEOUT_MS / 1000} s: ${running.size}/${REPLICAS} pods Running, ${pods.list().length} pods exist, deployment reports ${available()} available`)),
        TIMEOUT_MS,
      );
      const progress = setInterval(() => {
        const s = ((performance.now() - t0) / 1000).toFixed(0);
        const all = pods.list();
        const bound = all.filter((p) => p.spec?.nodeName).length;
        process.stderr.write(`  ${s} s: ${all.length} pods, ${bound} bound, ${running.size} Running, ${available()} available\n`);
      }, 10_000);
      check = () => {
        if (runningAt === undefined && running.size >= REPLICAS) runningAt = performance.now();
        if (runningAt !== undefined && available() >= REPLICAS) {
          clearTimeout(timer);
          clearInterval(progress);
          resolve();
        }
      };
    });
    await client.create(resourcePath(R.deployments, NS), deployment());
    await done;
    const end = performance.now();
    const serverRss = rssMiB(server.pid!);
    const agentRss = rssMiB(agent.pid!);
    const runningSeconds = (runningAt! - t0) / 1000;
    const seconds = (end - t0) / 1000;
    console.log(`${REPLICAS} pods Running on ${NODES} sim nodes in ${runningSeconds.toFixed(1)} s after the Deployment was created`);
    console.log(`deployment reported ${REPLICAS} available after ${seconds.toFixed(1)} s: ${(REPLICAS / seconds).toFixed(0)} pods/s`);
    console.log(`control plane (k8ts server) RSS: ${serverRss.toFixed(0)} MiB, CPU ${(cpuSeconds(server.pid!) - serverCpu0).toFixed(1)} s during the rollout`);
    console.log(`sim agent (${NODES} nodes) RSS: ${agentRss.toFixed(0)} MiB, CPU ${(cpuSeconds(agent.pid!) - agentCpu0).toFixed(1)} s during the rollout`);
    // After the clock: how much Event traffic the rollout wrote besides pods (part of its cost).
    console.log(`events recorded in the namespace: ${await countEvents(client)}`);
  } finally {
    for (const i of informers) i.stop();
    client?.close();
    await stopProcesses(children);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`deployment-scale benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
