// Node failure end to end with simulated nodes: agent A (sim-0, sim-1) keeps running, agent B
// (sim-2..sim-4) is stopped. B's nodes go Unknown and get the unreachable taints, their pods are
// marked not Ready and evicted after the (shortened) default toleration, except one that
// tolerates for an hour; the Deployment's replacements run on agent C's fresh nodes, and
// nothing on A is touched. Every node holds a single pod, which makes placement deterministic.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node, Taint } from '../../api/core/v1/types.js';
import type { KubeList } from '../../api/meta/types.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { R, resourcePath } from '../../client/resources.js';
import { RestClient } from '../../client/rest.js';
import { startSimAgent, type SimAgent } from '../../kubelet/sim/agent.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { TAINT_UNREACHABLE } from './taints.js';

const SIM = { pods: '1', leaseRenewIntervalMs: 300 };

describe('node lifecycle controller with simulated nodes', () => {
  let c: TestCluster;
  let client: RestClient;
  let agentB: SimAgent | undefined;
  let agentC: SimAgent | undefined;
  before(async () => {
    c = await startTestCluster({
      simNodes: 2,
      simOptions: SIM,
      nodeLifecycle: { nodeMonitorGracePeriodMs: 2500, nodeMonitorPeriodMs: 500 },
      defaultTolerationSeconds: { notReadySeconds: 2, unreachableSeconds: 2 },
    });
    client = new RestClient(loadKubeconfig(c.kubeconfig), 'nodelifecycle-test');
    agentB = await startSimAgent({ ...SIM, client: loadKubeconfig(c.kubeconfig), nodes: 3, firstIndex: 2 });
  });
  after(async () => {
    await agentB?.stop();
    await agentC?.stop();
    client?.close();
    await c?.stop();
  });

  const pods = async () => (await client.get<KubeList<Pod>>(resourcePath(R.pods, 'default'))).items;
  const getNode = (name: string) => client.get<Node>(resourcePath(R.nodes, undefined, name));
  const ready = (p: Pod) => p.status?.conditions?.find((x) => x.type === 'Ready')?.status;

  it('evicts pods from silent nodes and the deployment recovers elsewhere', async () => {
    const tolerant = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'tolerant', namespace: 'default' },
      spec: {
        nodeName: 'sim-4',
        containers: [{ name: 'c', image: 'busybox' }],
        tolerations: [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3600 }],
      },
    };
    let r = await c.kubectl(['create', '-f', c.file('tolerant.json', JSON.stringify(tolerant))]);
    assert.equal(r.code, 0, r.stderr);
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    r = await c.kubectl(['create', '-f', c.file('web.json', JSON.stringify(dep))]);
    assert.equal(r.code, 0, r.stderr);
    r = await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    await eventually(async () => ready((await pods()).find((p) => p.metadata.name === 'tolerant')!) === 'True', 20_000);

    const before = (await pods()).filter((p) => p.metadata.labels?.['app'] === 'web');
    assert.deepEqual(before.map((p) => p.spec?.nodeName).sort(), ['sim-0', 'sim-1', 'sim-2', 'sim-3']);
    // The admission plugin gave every pod the (shortened) default tolerations.
    const tols = before[0]!.spec!.tolerations!;
    assert.ok(tols.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute' && t.tolerationSeconds === 2));
    assert.ok(tols.some((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoExecute' && t.tolerationSeconds === 2));
    const onA = new Map(before.filter((p) => ['sim-0', 'sim-1'].includes(p.spec!.nodeName!)).map((p) => [p.metadata.name, p.metadata.uid]));

    await agentB!.stop();
    agentB = undefined;

    // kubectl shows B's nodes NotReady; their Ready condition is Unknown as upstream sets it.
    await eventually(async () => {
      const out = await c.kubectl(['get', 'nodes', '--no-headers']);
      const status = new Map(out.stdout.trim().split('\n').map((l) => l.split(/\s+/) as [string, string]).map(([n, s]) => [n, s]));
      return status.get('sim-2') === 'NotReady' && status.get('sim-3') === 'NotReady' && status.get('sim-4') === 'NotReady' && status.get('sim-0') === 'Ready' && status.get('sim-1') === 'Ready';
    }, 20_000);
    const n2 = await getNode('sim-2');
    const cond = n2.status!.conditions!.find((x) => x.type === 'Ready')!;
    assert.equal(cond.status, 'Unknown');
    assert.equal(cond.reason, 'NodeStatusUnknown');
    assert.equal(cond.message, 'Kubelet stopped posting node status.');
    assert.equal(n2.status!.conditions!.find((x) => x.type === 'MemoryPressure')!.status, 'Unknown');
    await eventually(async () => ((await getNode('sim-2')).spec?.taints ?? []).some((x) => x.key === TAINT_UNREACHABLE && x.effect === 'NoExecute'), 20_000);
    const tainted: Taint[] = (await getNode('sim-2')).spec?.taints ?? [];
    assert.ok(tainted.find((x) => x.effect === 'NoExecute')!.timeAdded);
    assert.ok(tainted.some((x) => x.key === TAINT_UNREACHABLE && x.effect === 'NoSchedule'));

    // B's deployment pods are evicted (left Terminating: no kubelet finishes them).
    await eventually(async () => {
      const onB = (await pods()).filter((p) => p.metadata.labels?.['app'] === 'web' && ['sim-2', 'sim-3'].includes(p.spec!.nodeName!));
      return onB.length === 2 && onB.every((p) => p.metadata.deletionTimestamp);
    }, 20_000);
    agentC = await startSimAgent({ ...SIM, client: loadKubeconfig(c.kubeconfig), nodes: 2, firstIndex: 5 });

    // The deployment ends up with 4 running pods, all on surviving nodes.
    await eventually(async () => {
      const live = (await pods()).filter((p) => p.metadata.labels?.['app'] === 'web' && !p.metadata.deletionTimestamp);
      return live.length === 4 && live.every((p) => p.status?.phase === 'Running' && ['sim-0', 'sim-1', 'sim-5', 'sim-6'].includes(p.spec!.nodeName!));
    }, 30_000);
    r = await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'], { timeoutMs: 40_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);

    const all = await pods();
    // Nothing on agent A was touched.
    for (const [name, uid] of onA) {
      const p = all.find((x) => x.metadata.name === name);
      assert.ok(p && p.metadata.uid === uid && !p.metadata.deletionTimestamp, `${name} untouched`);
      assert.equal(ready(p), 'True');
    }
    for (const n of ['sim-0', 'sim-1']) assert.deepEqual((await getNode(n)).spec?.taints ?? [], []);
    // The pod tolerating the taint for an hour stays, marked not Ready.
    const t = all.find((p) => p.metadata.name === 'tolerant')!;
    assert.ok(!t.metadata.deletionTimestamp, 'tolerant pod not evicted');
    assert.equal(ready(t), 'False');
    const ev = await c.kubectl(['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'json']);
    const messages = (JSON.parse(ev.stdout).items as { message: string }[]).map((e) => e.message);
    assert.ok(messages.some((m) => /^Marking for deletion Pod default\/web-/.test(m)), messages.join('; '));
  });

  it('removes the taints when a node reports Ready again', async () => {
    agentB = await startSimAgent({ ...SIM, client: loadKubeconfig(c.kubeconfig), nodes: 3, firstIndex: 2 });
    await eventually(async () => {
      const n = await getNode('sim-2');
      return n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' && (n.spec?.taints ?? []).length === 0;
    }, 20_000);
  });
});
