// The built-in metrics server behind the aggregation layer, on sim nodes with synthetic usage:
// the real kubectl's `top nodes` and `top pods` (--containers, -A, -l, --sort-by) read it
// unchanged, and the raw API answers as metrics-server's does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../test/harness.js';

let c: TestCluster;

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const pod = (name: string, ns: string, labels: string, cpu: string, mem: string, containers = ['app']) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {${labels}}
  annotations: {sim.k8ts.io/cpu-usage: "${cpu}", sim.k8ts.io/memory-usage: "${mem}"}
spec:
  containers:
${containers.map((cn) => `  - {name: ${cn}, image: busybox}`).join('\n')}
`;

before(async () => {
  c = await startTestCluster({ simNodes: 2, metricsServer: { resolutionMs: 1000 } });
  const manifests = [
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n',
    pod('web-1', 'default', 'app: web', '250m', '64Mi'),
    pod('web-2', 'default', 'app: web', '100m', '32Mi', ['app', 'sidecar']),
    pod('db-1', 'default', 'app: db', '500m', '256Mi'),
    pod('job-1', 'other', 'app: job', '20m', '8Mi'),
  ].join('---\n');
  const r = await c.kubectl(['apply', '-f', c.file('pods.yaml', manifests)]);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await c?.stop();
});

describe('kubectl top against the built-in metrics server', () => {
  test('the APIService becomes Available and the metrics API is discovered', async () => {
    await eventually('Available', async () => {
      const r = await c.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io']);
      return /kube-system\/metrics-server\s+True/.test(r.stdout) ? true : undefined;
    });
    const r = await c.kubectl(['api-resources', '--api-group=metrics.k8s.io']);
    assert.match(r.stdout, /nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics/);
    assert.match(r.stdout, /pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics/);
  });

  test('kubectl top nodes: both nodes with CPU and memory and their share of allocatable', async () => {
    const out = await eventually('node metrics', async () => {
      const r = await c.kubectl(['top', 'nodes']);
      return r.code === 0 && (r.stdout.match(/\nsim-\d/g) ?? []).length === 2 ? r.stdout : undefined;
    });
    assert.match(out, /^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)\s*\n/);
    // Each node is its base (50m, 256Mi) plus its pods: all together 4 × 50m… ≥ 100m and ≥ 512Mi.
    let cpu = 0;
    let mem = 0;
    for (const m of out.matchAll(/\n(sim-\d)\s+(\d+)m\s+(\d+)%\s+(\d+)Mi\s+(\d+)%/g)) {
      cpu += Number(m[2]);
      mem += Number(m[4]);
    }
    assert.ok(Math.abs(cpu - (100 + 250 + 100 * 2 + 500 + 20)) <= 25, `total node cpu ${cpu}m`);
    assert.ok(Math.abs(mem - (512 + 64 + 64 + 256 + 8)) <= 2, `total node memory ${mem}Mi`);
  });

  test('kubectl top pods: figures within a few percent of the synthetic usage; -l, -A, --containers, --sort-by', async () => {
    const out = await eventually('pod metrics', async () => {
      const r = await c.kubectl(['top', 'pods']);
      return r.code === 0 && /db-1/.test(r.stdout) && /web-1/.test(r.stdout) && /web-2/.test(r.stdout) ? r.stdout : undefined;
    });
    assert.match(out, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\n/);
    const row = (name: string) => new RegExp(`\\n${name}\\s+(\\d+)m\\s+(\\d+)Mi`).exec(out);
    const db = row('db-1')!;
    assert.ok(Math.abs(Number(db[1]) - 500) <= 10, `db-1 cpu ${db[1]}m`);
    assert.equal(Number(db[2]), 256);
    const web2 = row('web-2')!;
    assert.ok(Math.abs(Number(web2[1]) - 200) <= 5, `web-2 cpu ${web2[1]}m`);
    assert.equal(Number(web2[2]), 64);
    assert.doesNotMatch(out, /job-1/);

    const sel = await c.kubectl(['top', 'pods', '-l', 'app=web', '--sort-by=cpu']);
    assert.equal(sel.code, 0, sel.stderr);
    const names = [...sel.stdout.matchAll(/\n(\S+)\s+\d+m/g)].map((m) => m[1]);
    assert.deepEqual(names, ['web-1', 'web-2']);
    const byMem = await c.kubectl(['top', 'pods', '--sort-by=memory']);
    assert.deepEqual([...byMem.stdout.matchAll(/\n(\S+)\s+\d+m/g)].map((m) => m[1]), ['db-1', 'web-1', 'web-2']);

    const all = await eventually('all namespaces', async () => {
      const r = await c.kubectl(['top', 'pods', '-A']);
      return /other\s+job-1/.test(r.stdout) ? r.stdout : undefined;
    });
    assert.match(all, /^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    assert.match(all, /\ndefault\s+db-1\s+\d+m\s+256Mi/);

    const containers = await c.kubectl(['top', 'pod', 'web-2', '--containers']);
    assert.equal(containers.code, 0, containers.stderr);
    assert.match(containers.stdout, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    assert.match(containers.stdout, /\nweb-2\s+app\s+(9\d|10\d)m\s+32Mi/);
    assert.match(containers.stdout, /\nweb-2\s+sidecar\s+(9\d|10\d)m\s+32Mi/);
  });

  test('the raw API: NodeMetrics and PodMetrics as metrics-server writes them; a missing pod is a NotFound', async () => {
    const r = await c.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/db-1']);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.kind, 'PodMetrics');
    assert.equal(m.apiVersion, 'metrics.k8s.io/v1beta1');
    assert.match(m.window, /^\d+(\.\d+)?s$/);
    assert.equal(m.containers[0].usage.memory, '256Mi');
    const nodes = JSON.parse((await c.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=kubernetes.io%2Fhostname%3Dsim-0'])).stdout);
    assert.equal(nodes.kind, 'NodeMetricsList');
    assert.deepEqual(nodes.items.map((n: { metadata: { name: string } }) => n.metadata.name), ['sim-0']);
    const missing = await c.kubectl(['top', 'pod', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /podmetrics\.metrics\.k8s\.io "nope" not found/);
  });

  test('usage changes show at the next scrapes', async () => {
    assert.equal(c.sim!.setUsage('default', 'web-1', { cpu: '900m' }), 1);
    await eventually('new rate', async () => {
      const r = await c.kubectl(['top', 'pod', 'web-1']);
      const m = /\nweb-1\s+(\d+)m/.exec(r.stdout);
      return m && Math.abs(Number(m[1]) - 900) <= 20 ? true : undefined;
    });
  });
});
