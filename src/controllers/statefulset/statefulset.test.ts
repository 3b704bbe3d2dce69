// The StatefulSet controller against an in-process API server; the test plays the kubelet by
// marking pods Running and Ready through pods/status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ControllerRevision, StatefulSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { KubeList, KubeObject } from '../../api/meta/types.js';
import { R, resourcePath } from '../../client/resources.js';
import { startTestCluster, type TestCluster } from '../../test/harness.js';
import { listPods, setPodPhase, startBareCluster, waitFor, type BareCluster } from '../../test/bare-cluster.js';
import { StatefulSetController } from './controller.js';

const NS = 'sts-test';
const ready = (p: Pod) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('statefulset controller', () => {
  let c: BareCluster;
  let ctrl: StatefulSetController;
  const getSet = (name: string) => c.client.get<StatefulSet>(resourcePath(R.statefulsets, NS, name));
  const live = async () => (await listPods(c.client, NS, 'app=web')).filter((p) => !p.metadata.deletionTimestamp);

  /** Marks every pending pod ready, one poll at a time, checking at most one pod is ever not ready. */
  async function runUntil(done: (pods: Pod[]) => boolean, check?: (pods: Pod[]) => void): Promise<Pod[]> {
    // A failed check must fail the test, not be retried by the polling loop.
    let violation: unknown;
    const pods = await waitFor(
      async () => {
        const pods = await live();
        try {
          check?.(pods);
        } catch (err) {
          violation ??= err;
        }
        if (done(pods)) return pods;
        for (const p of pods) if (!ready(p)) await setPodPhase(c.client, p, 'Running');
        return undefined;
      },
      20_000,
      80,
    );
    if (violation) throw violation;
    return pods;
  }

  before(async () => {
    c = await startBareCluster(NS);
    ctrl = new StatefulSetController(c.client, c.informers);
    c.informers.start();
    void ctrl.run();
  });
  after(async () => {
    ctrl?.stop();
    await c?.stop();
  });

  it('creates pods in order with stable identities and their claims first', async () => {
    await c.client.create(resourcePath(R.statefulsets, NS), {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 3,
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    let notReadyMax = 0;
    const pods = await runUntil(
      (ps) => ps.length === 3 && ps.every(ready),
      (ps) => {
        const names = ps.map((p) => p.metadata.name).sort();
        // Pods appear strictly in ordinal order, each after the previous is ready.
        assert.deepEqual(names, ['web-0', 'web-1', 'web-2'].slice(0, names.length));
        notReadyMax = Math.max(notReadyMax, ps.filter((p) => !ready(p)).length);
      },
    );
    assert.ok(notReadyMax <= 1, 'never more than one pod waiting to become ready');
    for (const p of pods) {
      const ord = p.metadata.name!.slice('web-'.length);
      assert.equal(p.metadata.labels?.['statefulset.kubernetes.io/pod-name'], p.metadata.name);
      assert.equal(p.metadata.labels?.['apps.kubernetes.io/pod-index'], ord);
      assert.equal(p.spec?.hostname, p.metadata.name);
      assert.equal(p.spec?.subdomain, 'web');
      assert.deepEqual(
        p.spec?.volumes?.find((v) => v.name === 'data'),
        { name: 'data', persistentVolumeClaim: { claimName: `data-web-${ord}` } },
      );
    }
    const claims = await c.client.get<KubeList<KubeObject>>(resourcePath(R.persistentvolumeclaims, NS));
    assert.deepEqual(claims.items.map((x) => x.metadata.name).sort(), ['data-web-0', 'data-web-1', 'data-web-2']);
    const set = await waitFor(async () => {
      const s = await getSet('web');
      return s.status?.readyReplicas === 3 ? s : undefined;
    });
    assert.equal(set.status?.replicas, 3);
    assert.equal(set.status?.currentReplicas, 3);
    assert.equal(set.status?.updatedReplicas, 3);
    assert.ok(set.status?.currentRevision?.startsWith('web-'));
    assert.equal(set.status?.currentRevision, set.status?.updateRevision);
    assert.ok(pods.every((p) => p.metadata.labels?.['controller-revision-hash'] === set.status?.currentRevision));
  });

  it('rolls out from the highest ordinal down to the partition', async () => {
    const before = await getSet('web');
    const oldRev = before.status!.currentRevision!;
    await c.client.patch(resourcePath(R.statefulsets, NS, 'web'), {
      spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } },
    });
    const newRev = (await waitFor(async () => {
      const s = await getSet('web');
      return s.status?.updateRevision && s.status.updateRevision !== oldRev ? s : undefined;
    })).status!.updateRevision!;
    const order: string[] = [];
    const pods = await runUntil(
      (ps) => ps.length === 3 && ps.every(ready) && ps.filter((p) => p.metadata.labels?.['controller-revision-hash'] === newRev).length === 2,
      (ps) => {
        for (const p of ps) if (p.metadata.labels?.['controller-revision-hash'] === newRev && !order.includes(p.metadata.name!)) order.push(p.metadata.name!);
      },
    );
    assert.deepEqual(order, ['web-2', 'web-1']);
    const byName = new Map(pods.map((p) => [p.metadata.name, p]));
    assert.equal(byName.get('web-0')?.metadata.labels?.['controller-revision-hash'], oldRev);
    assert.equal(byName.get('web-2')?.spec?.containers[0]?.image, 'nginx:2');
    const partial = await waitFor(async () => {
      const s = await getSet('web');
      return s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3 ? s : undefined;
    });
    assert.equal(partial.status?.currentRevision, oldRev);
    assert.equal(partial.status?.currentReplicas, 1);
    const revisions = await c.client.get<KubeList<ControllerRevision>>(resourcePath(R.controllerrevisions, NS));
    assert.deepEqual(revisions.items.map((r) => r.metadata.name).sort(), [newRev, oldRev].sort());

    // Lowering the partition finishes the rollout, and the update revision becomes current.
    await c.client.patch(resourcePath(R.statefulsets, NS, 'web'), { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await runUntil((ps) => ps.length === 3 && ps.every((p) => ready(p) && p.metadata.labels?.['controller-revision-hash'] === newRev));
    const done = await waitFor(async () => {
      const s = await getSet('web');
      return s.status?.currentRevision === newRev && s.status.updatedReplicas === 3 ? s : undefined;
    });
    assert.equal(done.status?.currentReplicas, 3);
  });

  it('scales down from the highest ordinal', async () => {
    await c.client.patch(resourcePath(R.statefulsets, NS, 'web'), { spec: { replicas: 1 } });
    const seen: string[][] = [];
    await runUntil(
      (ps) => ps.length === 1,
      (ps) => seen.push(ps.map((p) => p.metadata.name!).sort()),
    );
    for (const names of seen) assert.deepEqual(names, ['web-0', 'web-1', 'web-2'].slice(0, names.length));
    assert.deepEqual(seen[seen.length - 1], ['web-0']);
  });
});

describe('statefulset in a full cluster', () => {
  let tc: TestCluster;
  before(async () => {
    tc = await startTestCluster({ simNodes: 2 });
  });
  after(async () => {
    await tc?.stop();
  });

  it('brings up ordered pods on sim nodes, and kubectl rollout status sees it done', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 3,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres' }] } },
      },
    };
    const created = await tc.kubectl(['create', '-f', tc.file('sts.json', JSON.stringify(manifest))]);
    assert.equal(created.code, 0, created.stderr);
    const status = await tc.kubectl(['rollout', 'status', 'statefulset/db', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /partitioned roll out complete: 3 new pods have been updated/);
    const pods = await tc.kubectl(['get', 'pods', '-l', 'app=db', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase}{"\\n"}{end}']);
    assert.deepEqual(pods.stdout.trim().split('\n').sort(), ['db-0 Running', 'db-1 Running', 'db-2 Running']);
  });
});
