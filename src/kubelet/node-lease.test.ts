// The node lease after `kubectl delete node`, as upstream 1.32: the garbage collector removes the
// Lease with its owner, a running kubelet's renewals do not bring it back (its lease controller
// creates a lease only with the Node as owner), and a Node registered again gets a lease owned by
// the new object.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Lease } from '../api/coordination/v1/types.js';
import type { Node } from '../api/core/v1/types.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../test/harness.js';
import { NODE_LEASE_NAMESPACE, NodeLease } from './node-lease.js';

describe('node lease of a deleted node', () => {
  let c: TestCluster;
  let client: RestClient;
  before(async () => {
    c = await startTestCluster();
    client = new RestClient(loadKubeconfig(c.kubeconfig));
  });
  after(async () => {
    client?.close();
    await c?.stop();
  });

  const leasePath = resourcePath(R.leases, NODE_LEASE_NAMESPACE, 'n1');
  const leaseOrUndefined = async (): Promise<Lease | undefined> => {
    const r = await c.http('GET', `/apis/coordination.k8s.io/v1/namespaces/${NODE_LEASE_NAMESPACE}/leases/n1`);
    return r.status === 404 ? undefined : (r.json() as Lease);
  };
  const createNode = () => client.create<Node>(resourcePath(R.nodes), { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });

  it('is collected with its node, not renewed back, and owned by the node registered again', async () => {
    const first = await createNode();
    const lease = new NodeLease(client, 'n1');
    lease.setOwner(first.metadata.uid!);
    const created = await lease.renew();
    assert.deepEqual(created?.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid]), [['Node', 'n1', first.metadata.uid]]);
    assert.ok(await lease.renew(), 'a lease that exists is renewed');

    assert.equal((await c.http('DELETE', '/api/v1/nodes/n1')).status, 200);
    await eventually(async () => !(await leaseOrUndefined()), 20_000);
    // The kubelet keeps its heartbeat going; with no Node to own it, nothing is created.
    assert.equal(await lease.renew(), undefined);
    assert.equal(await lease.renew(), undefined);
    assert.equal(await leaseOrUndefined(), undefined);

    const second = await createNode();
    const renewed = await lease.renew();
    assert.deepEqual(renewed?.metadata.ownerReferences?.map((r) => r.uid), [second.metadata.uid]);
    assert.equal((await client.get<Lease>(leasePath)).metadata.ownerReferences?.[0]?.uid, second.metadata.uid);
  });
});
