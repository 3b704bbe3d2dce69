// Metrics pipeline benchmark (issue 14): 100 sim nodes × 30 pods with synthetic usage, in one
// process. Figures: the CPU and RSS the built-in metrics server adds (its scrapes of every
// node's /stats/summary each 15 s, plus the sim kubelets answering them, and its informers),
// against metrics-server's sizing guide (1 mCPU and 2 MB per node); then 1,000 HPAs (one per
// Deployment of 3 pods), timed until every one has computed a replica count from the metrics,
// which must fit in the HPA's 15 s sync period once metrics exist.
// BENCH_NODES / BENCH_DEPLOYMENTS / BENCH_REPLICAS override the sizes. Run with --expose-gc.
import { networkInterfaces } from 'node:os';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { R, resourcePath } from '../src/client/resources.js';
import { RestClient } from '../src/client/rest.js';
import { issueClientCert, METRICS_SERVER } from '../src/cluster/client-certs.js';
import { startBuiltinMetricsServer } from '../src/cluster/metrics-server.js';
import { startTestCluster } from '../src/test/harness.js';

const NODES = Number(process.env['BENCH_NODES'] ?? 100);
const DEPLOYMENTS = Number(process.env['BENCH_DEPLOYMENTS'] ?? 1000);
const REPLICAS = Number(process.env['BENCH_REPLICAS'] ?? 3);
const NS = 'default';

const gc = (globalThis as { gc?: () => void }).gc;
const rssMB = () => {
  gc?.();
  return process.memoryUsage().rss / 1e6;
};
const heapMB = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cpuOver(ms: number): Promise<number> {
  const a = process.cpuUsage();
  const t = Date.now();
  await sleep(ms);
  const d = process.cpuUsage(a);
  return (d.user + d.system) / 1000 / (Date.now() - t); // cores
}

function ownAddress(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('no non-loopback address');
}

async function parallel<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

async function main(): Promise<void> {
  const c = await startTestCluster({ simNodes: NODES, simOptions: { serveKubelet: true, recordEvents: false, pods: '200' }, controlPlane: { horizontalPodAutoscaler: {} } });
  const client = new RestClient(loadKubeconfig(c.kubeconfig), 'bench');
  try {
    const names = Array.from({ length: DEPLOYMENTS }, (_, i) => `app-${i}`);
    let t = Date.now();
    await parallel(names, 16, (name) =>
      client.create(resourcePath(R.deployments, NS), {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          replicas: REPLICAS,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name }, annotations: { 'sim.k8ts.io/cpu-usage': '50m', 'sim.k8ts.io/memory-usage': '32Mi' } }, spec: { containers: [{ name: 'app', image: 'pause', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
        },
      }),
    );
    const want = DEPLOYMENTS * REPLICAS;
    for (;;) {
      const pods = await client.get<{ items: { status?: { phase?: string } }[] }>(`${resourcePath(R.pods)}?fieldSelector=status.phase%3DRunning`);
      if (pods.items.length >= want) break;
      await sleep(1000);
    }
    console.log(`${want} pods Running on ${NODES} sim nodes in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await sleep(5000);
    const baseRss = rssMB();
    const baseHeap = heapMB();
    const baseCpu = await cpuOver(30_000);
    const kc = loadKubeconfig(c.kubeconfig);
    // Its own identity, a client certificate: what the kubelets (and the sim ones) authenticate.
    const cert = await issueClientCert(c.cp.ca, METRICS_SERVER);
    const mc = { server: kc.server, caPem: kc.caPem, certPem: cert.cert, keyPem: cert.key };
    const metrics = await startBuiltinMetricsServer({ ca: c.cp.ca, client: mc, admin: kc, advertiseAddress: ownAddress(), port: 0, kubeletInsecureTls: true });
    await sleep(20_000);
    const withRss = rssMB();
    const withHeap = heapMB();
    const withCpu = await cpuOver(30_000);
    const round = metrics.lastRound!;
    const dCpu = (withCpu - baseCpu) * 1000;
    const dRss = withRss - baseRss;
    console.log(`metrics server: a scrape round of ${round.nodes} nodes (${round.failed} failed) takes ${round.ms} ms`);
    console.log(`server CPU ${(baseCpu * 1000).toFixed(0)} → ${(withCpu * 1000).toFixed(0)} mCPU: +${dCpu.toFixed(1)} mCPU = ${(dCpu / NODES).toFixed(3)} mCPU per node (goal ≤ 1)`);
    console.log(`server heap ${baseHeap.toFixed(0)} → ${withHeap.toFixed(0)} MB: +${(withHeap - baseHeap).toFixed(1)} MB = ${((withHeap - baseHeap) / NODES).toFixed(3)} MB per node`);
    console.log(`server RSS ${baseRss.toFixed(0)} → ${withRss.toFixed(0)} MB: +${dRss.toFixed(1)} MB = ${(dRss / NODES).toFixed(3)} MB per node (goal ≤ 2)`);

    t = Date.now();
    await parallel(names, 16, (name) =>
      client.create(resourcePath(R.horizontalpodautoscalers, NS), {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
      }),
    );
    const created = Date.now();
    console.log(`${DEPLOYMENTS} HPAs created in ${((created - t) / 1000).toFixed(1)} s`);
    for (;;) {
      const list = await client.get<{ items: { status?: { conditions?: { type: string; reason?: string }[] } }[] }>(resourcePath(R.horizontalpodautoscalers, NS));
      const done = list.items.filter((h) => h.status?.conditions?.some((x) => x.type === 'ScalingActive' && x.reason === 'ValidMetricFound')).length;
      if (done >= DEPLOYMENTS) break;
      if (Date.now() - created > 120_000) throw new Error(`only ${done} of ${DEPLOYMENTS} HPAs computed a metric after 120 s`);
      await sleep(500);
    }
    console.log(`all ${DEPLOYMENTS} HPAs computed a replica count ${((Date.now() - created) / 1000).toFixed(1)} s after the last was created (sync period 15 s)`);
    await metrics.stop();
  } finally {
    client.close();
    await c.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
