// Issue 14, acceptance 1 (its CPU half), on a real node: `kubectl top` reads what the cgroups say:
// a busy loop under a CPU limit of 500m reads about 500m (within 20%). The built-in metrics-server
// scrapes the node's kubelet as the API server reaches kubelets (its serving certificate is
// self-signed), here every 2 s instead of 15. The memory half is not here: a pod holding 80 MiB
// read 288 KiB, a fault still to find (docs/metrics.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

const MIB = 1024 * 1024;

describe('a real node: kubectl top against the cgroups', () => {
  let c: NodeTestCluster;
  before(async () => {
    c = await startNodeTestCluster({ metricsServer: { kubeletInsecureTls: true, resolutionMs: 2000 } });
    await c.apply(podYaml('burn', { containers: [{ name: 'burn', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'while :; do :; done'], resources: { limits: { cpu: '500m', memory: '64Mi' } } }] }));
    await c.waitPod('burn', (p) => p.status?.phase === 'Running', 60_000);
  });
  after(() => c?.stop());

  let last = '';
  const top = async () => {
    const r = await c.kubectl(['top', 'pods', '--no-headers']);
    last = r.stdout + r.stderr;
    if (r.code !== 0) return undefined;
    const rows = new Map<string, { cpuMilli: number; memBytes: number }>();
    for (const line of r.stdout.trim().split('\n')) {
      const [name, cpu, mem] = line.trim().split(/\s+/);
      rows.set(name!, { cpuMilli: Number(cpu!.replace(/m$/, '')), memBytes: Number(mem!.replace(/Mi$/, '')) * MIB });
    }
    return rows;
  };

  it('a busy loop limited to 500m reads about 500m', async () => {
    const rows = await eventually(async () => {
      const got = await top();
      const burn = got?.get('burn');
      // The first window after the pod starts covers part of its run: wait for a full one.
      return burn && burn.cpuMilli > 300 ? got : undefined;
    }, 90_000, 1000).catch(async (err: Error) => {
      const pods = await c.kubectl(['get', 'pods', '-o', 'wide']);
      const raw = await c.http('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods');
      assert.fail(`${err.message}; kubectl top pods said: ${last}; pods: ${pods.stdout}; PodMetrics: ${raw.body.slice(0, 2000)}`);
    });
    const burn = rows!.get('burn')!;
    assert.ok(burn.cpuMilli >= 400 && burn.cpuMilli <= 600, `burn reads ${burn.cpuMilli}m`);
    const nodes = await c.kubectl(['top', 'nodes', '--no-headers']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, new RegExp(`^${c.nodeName}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`, 'm'));
  });
});
