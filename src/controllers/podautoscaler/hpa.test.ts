// The whole loop on sim nodes: synthetic usage → kubelet stats → the built-in metrics server →
// the aggregation layer → the HPA controller → the Deployment's scale. Periods are shortened by
// the controller's flags (sync 1 s, downscale stabilization 4 s), never by timing assertions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../../test/harness.js';

let c: TestCluster;

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const deployment = (name: string, cpuUsage: string, requests = true) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations: {sim.k8ts.io/cpu-usage: "${cpuUsage}"}
    spec:
      containers:
      - name: app
        image: busybox
${requests ? '        resources: {requests: {cpu: 200m}}\n' : ''}`;

async function replicas(name: string): Promise<number> {
  const r = await c.kubectl(['get', 'deployment', name, '-o', 'jsonpath={.spec.replicas}']);
  return Number(r.stdout);
}

async function hpaCondition(name: string, type: string): Promise<{ status: string; reason: string; message: string } | undefined> {
  const r = await c.kubectl(['get', 'hpa', name, '-o', 'json']);
  if (r.code !== 0) return undefined;
  return JSON.parse(r.stdout).status?.conditions?.find((x: { type: string }) => x.type === type);
}

async function setDeploymentUsage(name: string, cpu: string): Promise<void> {
  const pods = JSON.parse((await c.kubectl(['get', 'pods', '-l', `app=${name}`, '-o', 'json'])).stdout).items as { metadata: { name: string } }[];
  for (const p of pods) c.sim!.setUsage('default', p.metadata.name, { cpu });
}

before(async () => {
  c = await startTestCluster({
    simNodes: 2,
    metricsServer: { resolutionMs: 1000 },
    controlPlane: { horizontalPodAutoscaler: { syncPeriodMs: 1000, downscaleStabilizationMs: 4000 } },
  });
  await eventually('the metrics API', async () => (/True/.test((await c.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io'])).stdout) ? true : undefined));
});

after(async () => {
  await c?.stop();
});

describe('horizontal pod autoscaler', () => {
  test('the seeds’ lab: kubectl autoscale --cpu-percent=50 --min=1 --max=5; load scales up, TARGETS as upstream; no load scales down after the window', async () => {
    assert.equal((await c.kubectl(['apply', '-f', c.file('web.yaml', deployment('web', '400m'))])).code, 0);
    const a = await c.kubectl(['autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=5']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /horizontalpodautoscaler\.autoscaling\/web autoscaled/);
    // 400m of a 200m request is 200% of 50%: the HPA goes to the maximum (each new pod as busy).
    await eventually('scaled to 5', async () => ((await replicas('web')) === 5 ? true : undefined));
    const get = await eventually('TARGETS', async () => {
      const r = await c.kubectl(['get', 'hpa', 'web']);
      return /cpu: \d+%\/50%/.test(r.stdout) && /\s5\s+\S+\s*$/.test(r.stdout.trim()) ? r.stdout : undefined;
    });
    assert.match(get, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE/);
    assert.match(get, /\nweb\s+Deployment\/web\s+cpu: (1\d\d|2\d\d)%\/50%\s+1\s+5\s+5\s/);
    const limited = await hpaCondition('web', 'ScalingLimited');
    assert.equal(limited?.reason, 'TooManyReplicas');
    assert.equal((await hpaCondition('web', 'ScalingActive'))?.reason, 'ValidMetricFound');

    const d = await c.kubectl(['describe', 'hpa', 'web']);
    assert.match(d.stdout, /SuccessfulRescale\s+.*New size: \d; reason: cpu resource utilization \(percentage of request\) above target/);
    assert.match(d.stdout, /AbleToScale\s+True/);
    assert.match(d.stdout, /ScalingActive\s+True\s+ValidMetricFound/);

    // The load stops: usage falls to 10% of the request; after the stabilization window, down to 1.
    await setDeploymentUsage('web', '20m');
    await eventually('scaled down', async () => ((await replicas('web')) === 1 ? true : undefined));
    const events = (await c.kubectl(['describe', 'hpa', 'web'])).stdout;
    assert.match(events, /New size: 1; reason: All metrics below target/);
  });

  test('within the tolerance nothing changes: 54% of a 50% target keeps 2 replicas', async () => {
    assert.equal((await c.kubectl(['apply', '-f', c.file('tol.yaml', deployment('tol', '108m').replace('replicas: 1', 'replicas: 2'))])).code, 0);
    assert.equal((await c.kubectl(['autoscale', 'deployment', 'tol', '--cpu-percent=50', '--min=1', '--max=5'])).code, 0);
    await eventually('a valid metric', async () => ((await hpaCondition('tol', 'ScalingActive'))?.reason === 'ValidMetricFound' ? true : undefined));
    // Several syncs later it is still 2 (and the status says it saw 54%).
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await replicas('tol'), 2);
    }
    const r = await c.kubectl(['get', 'hpa', 'tol']);
    assert.match(r.stdout, /cpu: 5[3-5]%\/50%/);
  });

  test('behavior: at most 1 pod per period, seen in the replica count over time', async () => {
    assert.equal((await c.kubectl(['apply', '-f', c.file('rate.yaml', deployment('rate', '800m'))])).code, 0);
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: rate}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: rate}
  minReplicas: 1
  maxReplicas: 4
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
  behavior:
    scaleUp: {stabilizationWindowSeconds: 0, selectPolicy: Max, policies: [{type: Pods, value: 1, periodSeconds: 3}]}
`;
    assert.equal((await c.kubectl(['apply', '-f', c.file('rate-hpa.yaml', hpa)])).code, 0);
    const history: { at: number; replicas: number }[] = [];
    await eventually(
      'scaled to 4',
      async () => {
        const n = await replicas('rate');
        if (!history.length || history[history.length - 1]!.replicas !== n) history.push({ at: Date.now(), replicas: n });
        return n === 4 ? true : undefined;
      },
      90_000,
    );
    // Every step is one pod, and steps are at least a period apart (less the polling's slack).
    for (let i = 1; i < history.length; i++) {
      assert.equal(history[i]!.replicas - history[i - 1]!.replicas, 1, JSON.stringify(history));
      if (i > 1) assert.ok(history[i]!.at - history[i - 1]!.at >= 2500, JSON.stringify(history));
    }
    assert.deepEqual(history.map((h) => h.replicas), [1, 2, 3, 4]);
    const limited = await hpaCondition('rate', 'ScalingLimited');
    assert.ok(limited, 'ScalingLimited reported');
  });

  test('bad input: a missing target, a Deployment without requests', async () => {
    const missing = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ghost}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ghost}
  maxReplicas: 3
`;
    assert.equal((await c.kubectl(['apply', '-f', c.file('ghost.yaml', missing)])).code, 0);
    const cond = await eventually('FailedGetScale', async () => {
      const x = await hpaCondition('ghost', 'AbleToScale');
      return x?.reason === 'FailedGetScale' ? x : undefined;
    });
    assert.equal(cond.status, 'False');
    assert.match(cond.message, /the HPA controller was unable to get the target's current scale: .*not found/);

    assert.equal((await c.kubectl(['apply', '-f', c.file('noreq.yaml', deployment('noreq', '300m', false))])).code, 0);
    assert.equal((await c.kubectl(['autoscale', 'deployment', 'noreq', '--cpu-percent=50', '--max=3'])).code, 0);
    const active = await eventually('FailedGetResourceMetric', async () => {
      const x = await hpaCondition('noreq', 'ScalingActive');
      // Until the new pod's first metrics arrive the reason is the same with "no metrics returned".
      return x?.reason === 'FailedGetResourceMetric' && /missing request/.test(x.message) ? x : undefined;
    });
    assert.equal(active.status, 'False');
    assert.match(active.message, /the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod noreq-/);
    const d = (await c.kubectl(['describe', 'hpa', 'noreq'])).stdout;
    assert.match(d, /FailedGetResourceMetric/);
    assert.match(d, /FailedComputeMetricsReplicas\s+.*invalid metrics \(1 invalid out of 1\), first error is: failed to get cpu utilization: missing request for cpu/);
    assert.equal(await replicas('noreq'), 1);
    const get = await c.kubectl(['get', 'hpa', 'noreq']);
    assert.match(get.stdout, /cpu: <unknown>\/50%/);
  });
});

describe('horizontal pod autoscaler: the metrics API down for a while', () => {
  test('replicas stay put (no scale to zero, no flapping) while ScalingActive is False; scaling resumes when it is back', async () => {
    assert.equal((await c.kubectl(['apply', '-f', c.file('steady.yaml', deployment('steady', '100m').replace('replicas: 1', 'replicas: 3'))])).code, 0);
    assert.equal((await c.kubectl(['autoscale', 'deployment', 'steady', '--cpu-percent=50', '--min=1', '--max=6'])).code, 0);
    // 100m of a 200m request is on the 50% target: it keeps 3.
    await eventually('a valid metric', async () => ((await hpaCondition('steady', 'ScalingActive'))?.reason === 'ValidMetricFound' ? true : undefined));
    assert.equal(await replicas('steady'), 3);

    // What a metrics-server pod going away does: its Service has no endpoints, the APIService is
    // unavailable, the aggregation layer answers 503.
    const eps = JSON.parse((await c.kubectl(['get', 'endpoints', 'metrics-server', '-n', 'kube-system', '-o', 'json'])).stdout);
    const down = await c.kubectl(['patch', 'endpoints', 'metrics-server', '-n', 'kube-system', '--type=json', '-p', '[{"op":"remove","path":"/subsets"}]']);
    assert.equal(down.code, 0, down.stderr);
    const failed = await eventually('FailedGetResourceMetric', async () => {
      const x = await hpaCondition('steady', 'ScalingActive');
      return x?.status === 'False' ? x : undefined;
    });
    assert.equal(failed.reason, 'FailedGetResourceMetric');
    assert.equal(failed.message, 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)');
    // kubectl 1.32 sees the group Stale in aggregated discovery and says so, as against upstream;
    // a request past discovery reads the aggregation layer's plain-text 503 as upstream's.
    const top = await c.kubectl(['top', 'pods', '-l', 'app=steady']);
    assert.notEqual(top.code, 0);
    assert.equal(top.stderr, 'error: Metrics API not available\n');
    const raw = await c.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods']);
    assert.notEqual(raw.code, 0);
    assert.match(raw.stderr, /Error from server \(ServiceUnavailable\): the server is currently unable to handle the request/);
    // Several sync periods without metrics, the usage meanwhile far below target: nothing moves.
    for (const p of JSON.parse((await c.kubectl(['get', 'pods', '-l', 'app=steady', '-o', 'json'])).stdout).items) c.sim!.setUsage('default', p.metadata.name, { cpu: '5m' });
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      seen.push(await replicas('steady'));
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual([...new Set(seen)], [3], `replicas while the metrics were down: ${seen.join(',')}`);
    const d = (await c.kubectl(['describe', 'hpa', 'steady'])).stdout;
    assert.match(d, /FailedGetResourceMetric\s+.*failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API/);
    assert.match(d, /FailedComputeMetricsReplicas\s+.*invalid metrics \(1 invalid out of 1\)/);
    assert.match((await c.kubectl(['get', 'hpa', 'steady'])).stdout, /\nsteady\s+Deployment\/steady\s+cpu: \S+\/50%\s+1\s+6\s+3\s/);

    // Back: the metrics count again, and the low usage now scales it down (after the window).
    const back = await c.kubectl(['patch', 'endpoints', 'metrics-server', '-n', 'kube-system', '--type=merge', '-p', JSON.stringify({ subsets: eps.subsets })]);
    assert.equal(back.code, 0, back.stderr);
    await eventually('ValidMetricFound again', async () => ((await hpaCondition('steady', 'ScalingActive'))?.reason === 'ValidMetricFound' ? true : undefined));
    await eventually('scaled down once metrics are back', async () => ((await replicas('steady')) === 1 ? true : undefined));
  });
});
