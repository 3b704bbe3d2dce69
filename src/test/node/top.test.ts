// Issue 14, acceptance 1, on a real node: `kubectl top` reads what the cgroups say. A busy loop
// under a CPU limit of 500m reads about 500m, and a pod holding 80 MiB reads about that much
// (within 20%). The built-in metrics-server scrapes the node's kubelet as the API server reaches
// kubelets (its serving certificate is self-signed), here every 2 s instead of 15.
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
    // 80 MiB of 'a' in a shell variable, held while it sleeps; the command after sleep keeps the
    // shell from exec'ing sleep in its place (which would free the variable).
    await c.apply(podYaml('hold', { containers: [{ name: 'hold', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'x=$(head -c 83886080 /dev/zero | tr "\\0" a); echo held; sleep 3600; echo ${#x}'], resources: { limits: { memory: '512Mi' } } }] }));
    await c.waitPod('burn', (p) => p.status?.phase === 'Running', 60_000);
    await c.waitPod('hold', (p) => p.status?.phase === 'Running', 60_000);
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

  it('a busy loop limited to 500m reads about 500m; 80 MiB held reads about 80 MiB', async () => {
    const rows = await eventually(async () => {
      const got = await top();
      const burn = got?.get('burn');
      const hold = got?.get('hold');
      // The first window after a pod starts covers part of its run, and the holder fills its
      // variable after it starts: wait for both to settle.
      return burn && hold && burn.cpuMilli > 300 && hold.memBytes > 60 * MIB ? got : undefined;
    }, 90_000, 1000).catch(async (err: Error) => {
      const pods = await c.kubectl(['get', 'pods', '-o', 'wide']);
      const raw = await c.http('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods');
      assert.fail(`${err.message}; kubectl top pods said: ${last}; pods: ${pods.stdout}; PodMetrics: ${raw.body.slice(0, 2000)}`);
    });
    const burn = rows!.get('burn')!;
    const hold = rows!.get('hold')!;
    assert.ok(burn.cpuMilli >= 400 && burn.cpuMilli <= 600, `burn reads ${burn.cpuMilli}m`);
    assert.ok(hold.memBytes >= 0.8 * 80 * MIB && hold.memBytes <= 1.2 * 80 * MIB, `hold reads ${hold.memBytes / MIB} MiB`);
    const nodes = await c.kubectl(['top', 'nodes', '--no-headers']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, new RegExp(`^${c.nodeName}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`, 'm'));
  });
});
