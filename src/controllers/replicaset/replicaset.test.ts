// The ReplicaSet and ReplicationController controllers in an in-process cluster, driven through
// the real kubectl where a user would use it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReplicaSet } from '../../api/apps/v1/types.js';
import type { Pod, ReplicationController } from '../../api/core/v1/pod/types.js';
import type { KubeList, KubeObject } from '../../api/meta/types.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { R, resourcePath } from '../../client/resources.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { PodRunner } from '../testing/pod-runner.js';

const NS = 'rs-test';

function replicaSet(name: string, replicas: number, extra: { minReadySeconds?: number } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      ...extra,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

describe('replicaset controller', () => {
  let c: TestCluster;
  let client: RestClient;
  let runner: PodRunner;

  const pods = async (selector: string): Promise<Pod[]> =>
    (await client.get<KubeList<Pod>>(`${resourcePath(R.pods, NS)}?labelSelector=${encodeURIComponent(selector)}`)).items.filter((p) => !p.metadata.deletionTimestamp);
  const getRS = (name: string) => client.get<ReplicaSet>(resourcePath(R.replicasets, NS, name));

  before(async () => {
    c = await startTestCluster();
    client = new RestClient(loadKubeconfig(c.kubeconfig));
    await client.create(resourcePath(R.namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    runner = new PodRunner(client, { namespace: NS });
    await runner.start();
  });
  after(async () => {
    runner?.stop();
    client?.close();
    await c?.stop();
  });

  it('creates the replicas with generated names and controller refs, reports status, replaces a deleted pod', async () => {
    const rs = await client.create<ReplicaSet>(resourcePath(R.replicasets, NS), replicaSet('frontend', 3));
    const created = await eventually(async () => {
      const list = await pods('app=frontend');
      return list.length === 3 ? list : undefined;
    });
    for (const p of created!) {
      assert.match(p.metadata.name!, /^frontend-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'frontend', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(p.metadata.labels?.['tier'], 'web');
    }
    const status = await eventually(async () => {
      const s = (await getRS('frontend')).status;
      return s?.readyReplicas === 3 && s.availableReplicas === 3 ? s : undefined;
    });
    assert.equal(status!.replicas, 3);
    assert.equal(status!.fullyLabeledReplicas, 3);
    assert.equal(status!.observedGeneration, 1);

    const victim = created![0]!.metadata.name!;
    await client.delete(resourcePath(R.pods, NS, victim));
    const replaced = await eventually(async () => {
      const list = await pods('app=frontend');
      return list.length === 3 && !list.some((p) => p.metadata.name === victim) ? list : undefined;
    });
    assert.equal(replaced!.filter((p) => !created!.some((o) => o.metadata.name === p.metadata.name)).length, 1);
  });

  it('kubectl describe rs lists SuccessfulCreate events', async () => {
    const out = await eventually(async () => {
      const r = await c.kubectl(['describe', 'rs', 'frontend', '-n', NS]);
      return (r.stdout.match(/SuccessfulCreate/g) ?? []).length >= 4 ? r.stdout : undefined;
    });
    assert.match(out!, /Normal\s+SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: frontend-[a-z0-9]{5}/);
    assert.match(out!, /Replicas:\s+3 current \/ 3 desired/);
    assert.match(out!, /Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
  });

  it('kubectl scale shrinks and grows, deleting with SuccessfulDelete events', async () => {
    let r = await c.kubectl(['scale', 'rs', 'frontend', '-n', NS, '--replicas=1']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => (await pods('app=frontend')).length === 1 && (await getRS('frontend')).status?.replicas === 1);
    const events = await client.get<KubeList<KubeObject>>(`${resourcePath(R.events, NS)}?fieldSelector=${encodeURIComponent('involvedObject.name=frontend,reason=SuccessfulDelete')}`);
    assert.ok(events.items.length >= 1);
    assert.match(String(events.items[0]!['message']), /^Deleted pod: frontend-/);
    r = await c.kubectl(['scale', 'rs', 'frontend', '-n', NS, '--replicas=4']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => (await pods('app=frontend')).length === 4 && (await getRS('frontend')).status?.readyReplicas === 4);
  });

  it('adopts a matching orphan instead of creating, and releases a pod that stops matching', async () => {
    const orphan = await client.create<Pod>(resourcePath(R.pods, NS), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', labels: { app: 'adopter' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    // Ready before the RS exists: should the RS's first sync miss it (its pod and RS watches are
    // not ordered) and create one pod too many, the ready, older orphan is the one kept.
    await eventually(async () => (await client.get<Pod>(resourcePath(R.pods, NS, 'stray'))).status?.phase === 'Running');
    const rs = await client.create<ReplicaSet>(resourcePath(R.replicasets, NS), replicaSet('adopter', 2));
    const owned = await eventually(async () => {
      const list = await pods('app=adopter');
      return list.length === 2 && list.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid) ? list : undefined;
    });
    assert.ok(owned!.some((p) => p.metadata.uid === orphan.metadata.uid), 'the orphan was adopted, not replaced');
    assert.deepEqual(owned!.find((p) => p.metadata.uid === orphan.metadata.uid)!.metadata.ownerReferences, [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopter', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);

    const r = await c.kubectl(['label', 'pod', 'stray', '-n', NS, 'app=elsewhere', '--overwrite']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => {
      const stray = await client.get<Pod>(resourcePath(R.pods, NS, 'stray'));
      return (stray.metadata.ownerReferences ?? []).length === 0;
    });
    await eventually(async () => (await pods('app=adopter')).length === 2);
  });

  it('availableReplicas waits for minReadySeconds after readiness', async () => {
    await client.create(resourcePath(R.replicasets, NS), replicaSet('slow', 2, { minReadySeconds: 2 }));
    const early = await eventually(async () => {
      const s = (await getRS('slow')).status;
      return s?.readyReplicas === 2 ? s : undefined;
    });
    assert.ok((early!.availableReplicas ?? 0) < 2, 'not available as soon as ready');
    await eventually(async () => (await getRS('slow')).status?.availableReplicas === 2, 10_000);
  });

  it('a ReplicationController keeps 3 replicas', async () => {
    const rc: ReplicationController = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'nginx', namespace: NS },
      spec: { replicas: 3, selector: { app: 'nginx-rc' }, template: { metadata: { labels: { app: 'nginx-rc' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    };
    const r = await c.kubectl(['create', '-f', c.file('rc.json', JSON.stringify(rc))]);
    assert.equal(r.code, 0, r.stderr);
    const list = await eventually(async () => {
      const l = await pods('app=nginx-rc');
      return l.length === 3 ? l : undefined;
    });
    for (const p of list!) {
      assert.match(p.metadata.name!, /^nginx-[a-z0-9]{5}$/);
      assert.equal(p.metadata.ownerReferences?.[0]?.kind, 'ReplicationController');
      assert.equal(p.metadata.ownerReferences?.[0]?.apiVersion, 'v1');
    }
    await eventually(async () => {
      const got = await client.get<ReplicationController>(resourcePath(R.replicationcontrollers, NS, 'nginx'));
      return got.status?.replicas === 3 && got.status.readyReplicas === 3 && got.status.availableReplicas === 3;
    });
    await client.delete(resourcePath(R.pods, NS, list![1]!.metadata.name));
    await eventually(async () => {
      const l = await pods('app=nginx-rc');
      return l.length === 3 && !l.some((p) => p.metadata.name === list![1]!.metadata.name);
    });
    const out = await c.kubectl(['get', 'rc', 'nginx', '-n', NS]);
    assert.match(out.stdout, /nginx\s+3\s+3\s+3/);
  });
});
