// The pod garbage collector against an in-process cluster, with its timers shortened.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SharedInformerFactory } from '../../client/informer.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { PodGC } from './controller.js';
import { terminatedOverThreshold } from './select.js';

const pod = (name: string, nodeName?: string, finalizers?: string[]) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', finalizers },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] },
});

describe('pod garbage collector', () => {
  let c: TestCluster;
  let client: RestClient;
  let factory: SharedInformerFactory;
  let gc: PodGC;
  before(async () => {
    c = await startTestCluster();
    client = new RestClient(loadKubeconfig(c.kubeconfig), 'podgc-test');
    factory = new SharedInformerFactory(client);
    gc = new PodGC(client, factory, { terminatedPodThreshold: 2, periodMs: 100, quarantineMs: 0 });
    factory.start();
    void gc.run();
    assert.equal((await c.http('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } })).status, 201);
  });
  after(async () => {
    gc.stop();
    factory.stop();
    client.close();
    await c.stop();
  });

  const exists = async (name: string) => (await c.http('GET', `/api/v1/namespaces/default/pods/${name}`)).status === 200;

  it('deletes the oldest terminated pods beyond the threshold', async () => {
    for (const name of ['t1', 't2', 't3', 't4']) {
      assert.equal((await c.http('POST', '/api/v1/namespaces/default/pods', pod(name, 'n1'))).status, 201);
    }
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/pods', pod('running', 'n1'))).status, 201);
    for (const name of ['t1', 't2', 't3', 't4']) {
      const r = await c.http('PATCH', `/api/v1/namespaces/default/pods/${name}/status`, { status: { phase: name === 't2' ? 'Failed' : 'Succeeded' } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal(r.status, 200, r.body);
    }
    await eventually(async () => !(await exists('t1')) && !(await exists('t2')), 15_000);
    assert.ok(await exists('t3'));
    assert.ok(await exists('t4'));
    assert.ok(await exists('running'));
  });

  it('force-deletes pods bound to a node that does not exist, not those on a live node', async () => {
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/pods', pod('orphan', 'ghost-node'))).status, 201);
    await eventually(async () => !(await exists('orphan')), 15_000);
    assert.ok(await exists('running'));
  });

  it('fails and deletes unscheduled pods that are terminating', async () => {
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/pods', pod('stuck', undefined, ['example.com/hold']))).status, 201);
    const del = await c.kubectl(['delete', 'pod', 'stuck', '--wait=false']);
    assert.equal(del.code, 0, del.stderr);
    const p = await eventually(async () => {
      const got = (await c.http('GET', '/api/v1/namespaces/default/pods/stuck')).json();
      return got.status?.phase === 'Failed' && got;
    }, 15_000);
    assert.ok(p.metadata.deletionTimestamp);
    // Releasing the finalizer lets the zero-grace deletion complete.
    await c.http('PATCH', '/api/v1/namespaces/default/pods/stuck', { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    await eventually(async () => !(await exists('stuck')), 15_000);
  });

  it('selects nothing when the threshold is disabled', () => {
    const t = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [] }, status: { phase: 'Succeeded' } };
    assert.equal(terminatedOverThreshold([t, t, t] as never, 0).length, 0);
    assert.equal(terminatedOverThreshold([t, t, t] as never, 1).length, 2);
  });
});
