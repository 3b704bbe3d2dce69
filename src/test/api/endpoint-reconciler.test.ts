// Several API servers on one datastore: the `kubernetes` Service's endpoints are the addresses of
// the servers whose endpoint leases are live (upstream's lease reconciler). Reconcilers here stand
// for servers at addresses of the documentation range, sharing one cluster's storage.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EndpointReconciler } from '../../apiserver/endpoint-reconciler.js';
import { startTestCluster, type TestCluster } from '../harness.js';

describe('the kubernetes endpoints of several servers', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  const addresses = async () => {
    const ep = (await c.http('GET', '/api/v1/namespaces/default/endpoints/kubernetes')).json();
    const slice = (await c.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes')).json();
    const fromSlice = (slice.endpoints ?? []).flatMap((e: { addresses: string[] }) => e.addresses);
    assert.deepEqual(fromSlice, (ep.subsets?.[0]?.addresses ?? []).map((a: { ip: string }) => a.ip), 'the EndpointSlice mirrors the Endpoints');
    return fromSlice as string[];
  };

  it('lists every live server; a stopped one leaves at once, a dead one when its lease lapses', async () => {
    let now = Date.now();
    const clock = () => now;
    const server = (ip: string) => new EndpointReconciler(c.cp.apiServer.registry, c.cp.apiServer.resources, { ip, port: 6443, clock });
    const a = server('192.0.2.1');
    const b = server('192.0.2.2');
    const d = server('192.0.2.3');
    await a.start();
    await b.start();
    await d.start();
    assert.deepEqual(await addresses(), ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    const ep = (await c.http('GET', '/api/v1/namespaces/default/endpoints/kubernetes')).json();
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'https', port: 6443, protocol: 'TCP' }]);
    const leases = (await c.kubectl(['get', 'lease', '-n', 'kube-system', '-l', 'k8ts.io/apiserver-endpoint=true', '-o', 'name'])).stdout.trim().split('\n');
    assert.deepEqual(leases, ['lease.coordination.k8s.io/apiserver-endpoint-192-0-2-1', 'lease.coordination.k8s.io/apiserver-endpoint-192-0-2-2', 'lease.coordination.k8s.io/apiserver-endpoint-192-0-2-3']);
    // A graceful stop takes its address out at once.
    await b.stop();
    assert.deepEqual(await addresses(), ['192.0.2.1', '192.0.2.3']);
    // A server that dies stops renewing: gone once its 15 s lease lapses, at the next reconcile of another.
    now += 10_000;
    await a.reconcile();
    assert.deepEqual(await addresses(), ['192.0.2.1', '192.0.2.3']);
    now += 6_000;
    await a.reconcile();
    assert.deepEqual(await addresses(), ['192.0.2.1']);
    await a.stop();
    await d.stop();
    assert.deepEqual(await addresses(), []);
  });
});
