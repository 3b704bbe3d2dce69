// The garbage collector driven by the real kubectl's --cascade modes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SharedInformerFactory } from '../../client/informer.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { GarbageCollector } from './controller.js';

const deployment = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: busybox}]}
`;

const replicaSet = (name: string, replicas: number) => `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: ${name}, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: busybox}]}
`;

describe('garbage collector', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ simNodes: 1 });
  });
  after(async () => {
    await c.stop();
  });

  const names = async (resource: string, selector: string): Promise<string[]> => {
    const r = await c.kubectl(['get', resource, '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split(' ').filter(Boolean);
  };
  const podsOf = async (app: string) => {
    const r = await c.http('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`);
    return r.json<{ items: { metadata: { name: string; ownerReferences?: unknown[]; deletionTimestamp?: string } }[] }>().items;
  };

  it('kubectl delete rs --cascade=orphan leaves the pods, without owner references', async () => {
    assert.equal((await c.kubectl(['create', '-f', c.file('rs1.yaml', replicaSet('orph', 2))])).code, 0);
    await eventually(async () => (await podsOf('orph')).length === 2, 20_000);
    const del = await c.kubectl(['delete', 'rs', 'orph', '--cascade=orphan']);
    assert.equal(del.code, 0, del.stderr);
    await eventually(async () => (await names('rs', 'app=orph')).length === 0, 20_000);
    const pods = (await eventually(async () => {
      const p = await podsOf('orph');
      return p.every((x) => !x.metadata.ownerReferences?.length) ? p : undefined;
    }, 20_000))!;
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => !p.metadata.deletionTimestamp));
  });

  it('kubectl delete deployment (background) removes its ReplicaSets and pods', async () => {
    assert.equal((await c.kubectl(['create', '-f', c.file('d1.yaml', deployment('bg', 2))])).code, 0);
    await eventually(async () => (await podsOf('bg')).length === 2, 20_000);
    assert.equal((await names('rs', 'app=bg')).length, 1);
    const del = await c.kubectl(['delete', 'deployment', 'bg']);
    assert.equal(del.code, 0, del.stderr);
    await eventually(async () => (await names('rs', 'app=bg')).length === 0, 20_000);
    await eventually(async () => (await podsOf('bg')).length === 0, 30_000);
  });

  it('kubectl delete --cascade=foreground removes dependents before the owner', async () => {
    assert.equal((await c.kubectl(['create', '-f', c.file('d2.yaml', deployment('fg', 2))])).code, 0);
    await eventually(async () => (await podsOf('fg')).length === 2, 20_000);
    const del = await c.kubectl(['delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false']);
    assert.equal(del.code, 0, del.stderr);
    // While the deployment is still visible it must carry the finalizer; it goes only after its dependents.
    let sawOwnerWaiting = false;
    await eventually(async () => {
      const d = await c.http('GET', '/apis/apps/v1/namespaces/default/deployments/fg');
      if (d.status === 200) {
        const m = d.json().metadata;
        assert.ok(m.finalizers.includes('foregroundDeletion'));
        sawOwnerWaiting = true;
        return false;
      }
      assert.equal(d.status, 404);
      // Once the owner is gone, nothing it blocked on may remain.
      assert.equal((await names('rs', 'app=fg')).length, 0);
      assert.equal((await podsOf('fg')).length, 0);
      return true;
    }, 30_000);
    assert.ok(sawOwnerWaiting);
  });

  it('deletes an object whose owner never existed (uid mismatch)', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nobody', uid: '00000000-0000-0000-0000-000000000001' }] } };
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/configmaps', cm)).status, 201);
    const keep = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', namespace: 'default' } };
    const owner = (await c.http('POST', '/api/v1/namespaces/default/configmaps', keep)).json();
    const owned = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'kept', uid: owner.metadata.uid }] } };
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/configmaps', owned)).status, 201);
    await eventually(async () => (await c.http('GET', '/api/v1/namespaces/default/configmaps/stray')).status === 404, 20_000);
    assert.equal((await c.http('GET', '/api/v1/namespaces/default/configmaps/owned')).status, 200);
  });

  it('collects dependents of an owner kind no informer watches, on its periodic resync', async () => {
    // A second collector with a short resync: the manager's own uses the 30 s default.
    const client = new RestClient(loadKubeconfig(c.kubeconfig), 'gc-test');
    const factory = new SharedInformerFactory(client);
    const gc = new GarbageCollector(client, factory, { resyncMs: 200 });
    factory.start();
    void gc.run();
    try {
      const role = (await c.http('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'gc-owner' }, rules: [] })).json();
      const dep = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'role-owned', namespace: 'default', ownerReferences: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'gc-owner', uid: role.metadata.uid }] } };
      assert.equal((await c.http('POST', '/api/v1/namespaces/default/configmaps', dep)).status, 201);
      // While the owner lives the dependent stays, through several resyncs.
      await new Promise((r) => setTimeout(r, 600));
      assert.equal((await c.http('GET', '/api/v1/namespaces/default/configmaps/role-owned')).status, 200);
      assert.equal((await c.kubectl(['delete', 'clusterrole', 'gc-owner'])).code, 0);
      await eventually(async () => (await c.http('GET', '/api/v1/namespaces/default/configmaps/role-owned')).status === 404, 20_000);
    } finally {
      gc.stop();
      factory.stop();
      client.close();
    }
  });
});
