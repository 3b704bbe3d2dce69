// The DaemonSet controller: eligibility rules on their own, the controller against an
// in-process API server with hand-made nodes, and the whole cluster (scheduler + sim nodes)
// driven by the real kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DaemonSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { R, resourcePath } from '../../client/resources.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { listPods, setPodPhase, startBareCluster, waitFor, type BareCluster } from '../../test/bare-cluster.js';
import { DaemonSetController } from './controller.js';
import { targetNode, templatePod } from './daemon-pod.js';
import { eligibility } from './eligibility.js';

const NS = 'ds-test';

const node = (name: string, labels: Record<string, string> = {}, taints: Node['spec'] extends infer S ? (S extends { taints?: infer T } ? T : never) : never = []): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: { taints },
});

function daemonSet(name: string, extra: Partial<NonNullable<DaemonSet['spec']>> = {}, podSpec: Record<string, unknown> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: NS },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } },
      ...extra,
    },
  };
}

describe('daemon pod eligibility', () => {
  const ds = daemonSet('e', {}, { nodeSelector: { disk: 'ssd' } });
  it('follows node selector, NoSchedule and NoExecute taints, and the default tolerations', () => {
    assert.deepEqual(eligibility(templatePod(ds), node('a', { disk: 'ssd' })), { shouldRun: true, shouldContinueRunning: true });
    assert.equal(eligibility(templatePod(ds), node('b')).shouldRun, false);
    assert.deepEqual(eligibility(templatePod(ds), node('c', { disk: 'ssd' }, [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }])), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(eligibility(templatePod(ds), node('d', { disk: 'ssd' }, [{ key: 'dedicated', effect: 'NoExecute' }])), { shouldRun: false, shouldContinueRunning: false });
    // Daemon pods tolerate a not-ready or unschedulable node.
    assert.equal(eligibility(templatePod(ds), node('e', { disk: 'ssd' }, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }])).shouldRun, true);
  });
  it('honours required node affinity expressions', () => {
    const aff = daemonSet('f', {}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }] } } } });
    assert.equal(eligibility(templatePod(aff), node('a', { zone: 'z1' })).shouldRun, true);
    assert.equal(eligibility(templatePod(aff), node('b', { zone: 'z2' })).shouldRun, false);
  });
});

describe('daemonset controller', () => {
  let c: BareCluster;
  let ctrl: DaemonSetController;
  const live = async (app: string) => (await listPods(c.client, NS, `app=${app}`)).filter((p) => !p.metadata.deletionTimestamp);
  const getDS = (name: string) => c.client.get<DaemonSet>(resourcePath(R.daemonsets, NS, name));
  const runAll = async (pods: Pod[]) => {
    for (const p of pods) if (p.status?.phase !== 'Running') await setPodPhase(c.client, p, 'Running');
  };

  before(async () => {
    c = await startBareCluster(NS);
    for (const n of [node('n1'), node('n2'), node('tainted', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }])]) await c.client.create(resourcePath(R.nodes), n);
    ctrl = new DaemonSetController(c.client, c.informers);
    c.informers.start();
    void ctrl.run();
  });
  after(async () => {
    ctrl?.stop();
    await c?.stop();
  });

  it('runs one pod per eligible node, pinned by affinity, and follows new nodes', async () => {
    await c.client.create(resourcePath(R.daemonsets, NS), daemonSet('agent'));
    const pods = await waitFor(async () => {
      const list = await live('agent');
      return list.length === 2 ? list : undefined;
    });
    assert.deepEqual(pods.map(targetNode).sort(), ['n1', 'n2']);
    for (const p of pods) {
      assert.equal(p.spec?.nodeName, undefined, 'the scheduler binds the pod, not the controller');
      assert.deepEqual(p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNode(p)] }] }]);
      const tolerated = (p.spec?.tolerations ?? []).map((t) => `${t.key}:${t.effect}`);
      for (const t of ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']) {
        assert.ok(tolerated.includes(t), `tolerates ${t}`);
      }
      assert.ok(p.metadata.labels?.['controller-revision-hash']);
    }
    await runAll(pods);
    const ds = await waitFor(async () => {
      const d = await getDS('agent');
      return d.status?.numberReady === 2 ? d : undefined;
    });
    assert.equal(ds.status?.desiredNumberScheduled, 2);
    assert.equal(ds.status?.currentNumberScheduled, 2);
    assert.equal(ds.status?.numberAvailable, 2);
    assert.equal(ds.status?.updatedNumberScheduled, 2);
    assert.equal(ds.status?.numberMisscheduled, 0);
    assert.equal(ds.status?.observedGeneration, 1);

    await c.client.create(resourcePath(R.nodes), node('n3'));
    const three = await waitFor(async () => {
      const list = await live('agent');
      return list.length === 3 ? list : undefined;
    });
    assert.deepEqual(three.map(targetNode).sort(), ['n1', 'n2', 'n3']);
    await runAll(three);
    await eventually(async () => (await getDS('agent')).status?.desiredNumberScheduled === 3 && (await getDS('agent')).status?.numberReady === 3);

    // A node relabelled out of a node selector loses its pod.
    await c.client.patch(resourcePath(R.daemonsets, NS, 'agent'), { spec: { template: { spec: { nodeSelector: { role: 'agent' } } } } });
    for (const n of ['n1', 'n2']) await c.client.patch(resourcePath(R.nodes, undefined, n), { metadata: { labels: { role: 'agent' } } });
    await waitFor(async () => {
      const list = await live('agent');
      await runAll(list);
      return list.length === 2 && list.every((p) => targetNode(p) !== 'n3' && p.spec?.nodeSelector?.['role'] === 'agent') ? list : undefined;
    }, 15_000);
  });

  it('rolls a new template out at most maxUnavailable nodes at a time', async () => {
    await c.client.create(resourcePath(R.daemonsets, NS), daemonSet('roll', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }));
    const first = await waitFor(async () => {
      const list = await live('roll');
      await runAll(list);
      return list.length === 3 && list.every((p) => p.status?.phase === 'Running') ? list : undefined;
    });
    const oldHash = first[0]!.metadata.labels?.['controller-revision-hash'];
    await c.client.patch(resourcePath(R.daemonsets, NS, 'roll'), { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    let worst = 0;
    await waitFor(
      async () => {
        const list = await live('roll');
        const unavailable = 3 - list.filter((p) => p.status?.phase === 'Running').length;
        worst = Math.max(worst, unavailable);
        const done = list.length === 3 && list.every((p) => p.status?.phase === 'Running' && p.spec?.containers[0]?.image === 'agent:2');
        await runAll(list);
        return done;
      },
      20_000,
      30,
    );
    assert.ok(worst <= 1, `at most one node without a running pod (saw ${worst})`);
    const ds = await waitFor(async () => {
      const d = await getDS('roll');
      return d.status?.updatedNumberScheduled === 3 && d.status.numberAvailable === 3 ? d : undefined;
    });
    assert.equal(ds.status?.observedGeneration, 2);
    const revisions = await c.client.get<{ items: { metadata: { name: string; labels?: Record<string, string> } }[] }>(resourcePath(R.controllerrevisions, NS));
    const names = revisions.items.map((r) => r.metadata.name).filter((n) => n.startsWith('roll-'));
    assert.equal(names.length, 2);
    assert.ok(names.includes(`roll-${oldHash}`));
  });

  it('leaves old pods alone under OnDelete until they are deleted', async () => {
    await c.client.create(resourcePath(R.daemonsets, NS), daemonSet('manual', { updateStrategy: { type: 'OnDelete' } }));
    const pods = await waitFor(async () => {
      const list = await live('manual');
      return list.length === 3 ? list : undefined;
    });
    await runAll(pods);
    await c.client.patch(resourcePath(R.daemonsets, NS, 'manual'), { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await eventually(async () => (await getDS('manual')).status?.observedGeneration === 2);
    assert.ok((await live('manual')).every((p) => p.spec?.containers[0]?.image === 'agent:1'));
    await c.client.delete(resourcePath(R.pods, NS, pods[0]!.metadata.name));
    const replaced = await waitFor(async () => (await live('manual')).find((p) => targetNode(p) === targetNode(pods[0]!) && p.metadata.uid !== pods[0]!.metadata.uid));
    assert.equal(replaced.spec?.containers[0]?.image, 'agent:2');
  });
});

describe('daemonset in a full cluster', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ simNodes: 2 });
  });
  after(async () => {
    await c?.stop();
  });

  it('schedules a daemon pod onto every sim node, and kubectl rollout status sees it done', async () => {
    const manifest = JSON.stringify({ ...daemonSet('logs'), metadata: { name: 'logs', namespace: 'default' } });
    const created = await c.kubectl(['create', '-f', c.file('ds.json', manifest)]);
    assert.equal(created.code, 0, created.stderr);
    const status = await c.kubectl(['rollout', 'status', 'daemonset/logs', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /daemon set "logs" successfully rolled out/);
    const pods = await c.kubectl(['get', 'pods', '-l', 'app=logs', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.status.phase}{"\\n"}{end}']);
    assert.deepEqual(pods.stdout.trim().split('\n').sort(), (c.sim?.nodeNames() ?? []).map((n) => `${n} Running`).sort());
  });
});
