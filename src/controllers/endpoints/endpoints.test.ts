// Endpoints and EndpointSlices for selector services, with pods run by a simulated node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';

const pod = (name: string, app: string, extra: { notReady?: boolean } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app }, annotations: extra.notReady ? { 'sim.k8ts.io/never-ready': 'true' } : {} },
  spec: { containers: [{ name: 'web', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }] },
});

const service = (name: string, app: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', labels: { tier: 'front' } },
  spec: { selector: { app }, ports: [{ name: 'web', port: 80, targetPort: 'http' }], ...extra },
});

describe('endpoints and endpointslice controllers', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ simNodes: 1 });
  });
  after(async () => {
    await c.stop();
  });

  const create = async (path: string, body: unknown) => {
    const r = await c.http('POST', path, body);
    assert.equal(r.status, 201, r.body);
    return r.json();
  };
  const podIp = (name: string) =>
    eventually(async () => {
      const p = (await c.http('GET', `/api/v1/namespaces/default/pods/${name}`)).json();
      return p.status?.podIP as string | undefined;
    }, 20_000);

  it('lists ready pods as addresses with resolved named ports (kubectl get endpoints)', async () => {
    await create('/api/v1/namespaces/default/services', service('web', 'web'));
    const p1 = await create('/api/v1/namespaces/default/pods', pod('web-1', 'web'));
    await create('/api/v1/namespaces/default/pods', pod('web-2', 'web'));
    const ip1 = await podIp('web-1');
    const ip2 = await podIp('web-2');
    const shown = await eventually(async () => {
      const r = await c.kubectl(['get', 'endpoints', 'web', '--no-headers']);
      return r.code === 0 && r.stdout.includes(`${ip1}:8080`) && r.stdout.includes(`${ip2}:8080`) && r.stdout;
    }, 20_000);
    assert.match(String(shown), /^web\s+10\.\d+\.\d+\.\d+:8080,10\.\d+\.\d+\.\d+:8080\s/);
    const ep = (await c.http('GET', '/api/v1/namespaces/default/endpoints/web')).json();
    assert.equal(ep.subsets.length, 1);
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    const a1 = ep.subsets[0].addresses.find((a: { ip: string }) => a.ip === ip1);
    assert.deepEqual(a1.targetRef, { kind: 'Pod', namespace: 'default', name: 'web-1', uid: p1.metadata.uid });
    assert.ok(a1.nodeName);
    assert.equal(ep.metadata.labels.tier, 'front');
    assert.ok(!Number.isNaN(Date.parse(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time'])));
  });

  it('puts not-ready pods in notReadyAddresses unless the service publishes them', async () => {
    await create('/api/v1/namespaces/default/services', service('slow', 'slow'));
    await create('/api/v1/namespaces/default/services', service('slow-all', 'slow', { publishNotReadyAddresses: true }));
    await create('/api/v1/namespaces/default/pods', pod('slow-1', 'slow', { notReady: true }));
    const ip = await podIp('slow-1');
    const ep = await eventually(async () => {
      const e = (await c.http('GET', '/api/v1/namespaces/default/endpoints/slow')).json();
      return e.subsets?.[0]?.notReadyAddresses?.length === 1 && e;
    }, 20_000);
    assert.equal(ep.subsets[0].notReadyAddresses[0].ip, ip);
    assert.equal(ep.subsets[0].addresses, undefined);
    const all = await eventually(async () => {
      const e = (await c.http('GET', '/api/v1/namespaces/default/endpoints/slow-all')).json();
      return e.subsets?.[0]?.addresses?.length === 1 && e;
    }, 20_000);
    assert.equal(all.subsets[0].addresses[0].ip, ip);
  });

  it('drops a deleted pod and removes the Endpoints with the service', async () => {
    await create('/api/v1/namespaces/default/services', service('gone', 'gone'));
    await create('/api/v1/namespaces/default/pods', pod('gone-1', 'gone'));
    await create('/api/v1/namespaces/default/pods', pod('gone-2', 'gone'));
    await eventually(async () => (await c.http('GET', '/api/v1/namespaces/default/endpoints/gone')).json().subsets?.[0]?.addresses?.length === 2, 20_000);
    assert.equal((await c.kubectl(['delete', 'pod', 'gone-1', '--grace-period=0', '--force'])).code, 0);
    await eventually(async () => {
      const e = (await c.http('GET', '/api/v1/namespaces/default/endpoints/gone')).json();
      return e.subsets?.[0]?.addresses?.length === 1 && e.subsets[0].addresses[0].targetRef.name === 'gone-2';
    }, 20_000);
    assert.equal((await c.kubectl(['delete', 'service', 'gone'])).code, 0);
    await eventually(async () => (await c.http('GET', '/api/v1/namespaces/default/endpoints/gone')).status === 404, 20_000);
  });

  it('publishes EndpointSlices with conditions, labels and an owner reference', async () => {
    const svc = await create('/api/v1/namespaces/default/services', service('sliced', 'sliced'));
    await create('/api/v1/namespaces/default/pods', pod('sliced-1', 'sliced'));
    await create('/api/v1/namespaces/default/pods', pod('sliced-2', 'sliced', { notReady: true }));
    const list = await eventually(async () => {
      const r = (await c.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dsliced')).json();
      return r.items.length === 1 && r.items[0].endpoints?.length === 2 && r.items;
    }, 20_000);
    const s = list[0];
    assert.equal(s.addressType, 'IPv4');
    assert.equal(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(s.metadata.labels.tier, 'front');
    assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'sliced', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(s.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    const byName = Object.fromEntries(s.endpoints.map((e: { targetRef: { name: string } }) => [e.targetRef.name, e]));
    assert.deepEqual(byName['sliced-1'].conditions, { ready: true, serving: true, terminating: false });
    assert.deepEqual(byName['sliced-2'].conditions, { ready: false, serving: false, terminating: false });
    assert.ok(byName['sliced-1'].nodeName);
    const shown = await c.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=sliced', '--no-headers']);
    assert.match(shown.stdout, /^sliced-\w+\s+IPv4\s+8080\s+10\.\d+\.\d+\.\d+/);
  });

  it('keeps an empty placeholder slice for a service without pods, and none for a selectorless one', async () => {
    await create('/api/v1/namespaces/default/services', service('empty', 'nothing-matches'));
    await create('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
    const list = await eventually(async () => {
      const r = (await c.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dempty')).json();
      return r.items.length === 1 && r.items;
    }, 20_000);
    assert.deepEqual(list[0].endpoints ?? [], []);
    // The selector service was processed after the selectorless one was created; it has nothing.
    const manual = (await c.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dmanual')).json();
    assert.equal(manual.items.length, 0);
    assert.equal((await c.http('GET', '/api/v1/namespaces/default/endpoints/manual')).status, 404);
  });
});
