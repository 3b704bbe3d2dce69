// The default ServiceAccount and the root CA ConfigMap in every namespace, seen through kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';

describe('serviceaccount and root CA publisher', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c.stop();
  });

  it('creates the default ServiceAccount in a new namespace, and again after it is deleted', async () => {
    assert.equal((await c.kubectl(['create', 'namespace', 'team-a'])).code, 0);
    await eventually(async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', 'team-a'])).code === 0, 30_000);
    const first = (await c.kubectl(['get', 'sa', 'default', '-n', 'team-a', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    assert.equal((await c.kubectl(['delete', 'sa', 'default', '-n', 'team-a'])).code, 0);
    const second = await eventually(async () => {
      const r = await c.kubectl(['get', 'sa', 'default', '-n', 'team-a', '-o', 'jsonpath={.metadata.uid}']);
      return r.code === 0 && r.stdout && r.stdout !== first ? r.stdout : undefined;
    }, 30_000);
    assert.notEqual(second, first);
  });

  it('the default namespaces have one too', async () => {
    for (const ns of ['default', 'kube-system']) {
      await eventually(async () => (await c.kubectl(['get', 'sa', 'default', '-n', ns])).code === 0, 30_000);
    }
  });

  it('publishes the cluster CA as kube-root-ca.crt and restores it when edited', async () => {
    assert.equal((await c.kubectl(['create', 'namespace', 'team-b'])).code, 0);
    const read = async () => {
      const r = await c.http('GET', '/api/v1/namespaces/team-b/configmaps/kube-root-ca.crt');
      return r.status === 200 ? r.json() : undefined;
    };
    const cm = await eventually(read, 30_000);
    assert.equal(cm.data['ca.crt'], c.cp.caPem);
    assert.match(cm.metadata.annotations['kubernetes.io/description'], /CA bundle/);
    const patched = await c.kubectl(['patch', 'configmap', 'kube-root-ca.crt', '-n', 'team-b', '--type=merge', '-p', '{"data":{"ca.crt":"tampered"}}']);
    assert.equal(patched.code, 0, patched.stderr);
    await eventually(async () => (await read())?.data['ca.crt'] === c.cp.caPem, 30_000);
  });
});
