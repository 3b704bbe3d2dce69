// Identities under Node,RBAC with the real kubectl: client certificates (CN user, O groups; a
// stranger's or an expired one is a 401), the join token bought a node's own certificate (TLS bootstrap),
// the Node authorizer and NodeRestriction holding that node to its own pods' objects (issue 11,
// acceptance 2), and the control plane's components working under their own identities.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderKubeconfig } from '../../cluster/kubeconfig.js';
import { createCa, issueCert } from '../../util/pki.js';
import type { KeyPair } from '../../util/key-pair.js';
import { parseJoinToken } from '../../cluster/join-token.js';
import { kubeletClientCredential } from '../../cluster/kubelet-client-cert.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

describe('identities under Node,RBAC', () => {
  let c: TestCluster;
  let node: KeyPair;
  const nodeName = 'worker-1';

  /** kubectl with a kubeconfig holding this client certificate. */
  const withCert = (name: string, pair: KeyPair, args: string[]) => {
    const file = join(c.dataDir, `${name}.kubeconfig`);
    writeFileSync(file, renderKubeconfig({ server: c.cp.url, caPem: c.cp.caPem, certPem: pair.cert, keyPem: pair.key }));
    return c.kubectl([...args, '--kubeconfig', file]);
  };
  const asNode = (args: string[]) => withCert('node', node, args);

  before(async () => {
    c = await startTestCluster({ authorizationMode: 'Node,RBAC', simNodes: 1 });
    const joinToken = parseJoinToken(readFileSync(join(c.dataDir, 'token'), 'utf8')).bearer;
    // TLS bootstrapping, as a joining agent does: a CSR with the token, approved and signed by the controllers.
    const kubelet = await kubeletClientCredential(join(c.dataDir, 'worker-cred'), { server: c.cp.url, token: joinToken, caPem: c.cp.caPem }, nodeName, { rotate: false, wait: { timeoutMs: 20_000, pollMs: 100 } });
    kubelet.stop();
    node = { cert: kubelet.config.certPem!, key: kubelet.config.keyPem! };
    for (const args of [
      ['create', 'secret', 'generic', 'used', '--from-literal=k=v'],
      ['create', 'secret', 'generic', 'unused', '--from-literal=k=v'],
      ['create', 'configmap', 'conf', '--from-literal=k=v'],
    ]) assert.equal((await c.kubectl(args)).code, 0);
    // A pod bound to the node that uses one Secret and the ConfigMap; its node object exists.
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox', envFrom: [{ configMapRef: { name: 'conf' } }] }], volumes: [{ name: 's', secret: { secretName: 'used' } }] } };
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) })).code, 0);
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'other-node' } }) })).code, 0);
  });
  after(() => c?.stop());

  it('authenticates a client certificate as its CN and O groups', async () => {
    const ca = { cert: c.cp.ca.cert, key: c.cp.ca.key };
    const alice = await issueCert(ca, { commonName: 'alice', organization: ['devs', 'qa'], usage: 'client' });
    const r = await withCert('alice', alice, ['auth', 'whoami', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout).status.userInfo;
    assert.equal(info.username, 'alice');
    assert.deepEqual(info.groups, ['devs', 'qa', 'system:authenticated']);
    // RBAC applies to certificate users as to any: alice has no rights on pods.
    const denied = await withCert('alice', alice, ['get', 'pods']);
    assert.match(denied.stderr, /pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/);
  });

  it('refuses an expired certificate and one from another CA with 401', async () => {
    const ca = { cert: c.cp.ca.cert, key: c.cp.ca.key };
    const expired = await issueCert(ca, { commonName: 'old', usage: 'client', days: 1 }, Date.now() - 3 * 24 * 3600_000);
    const stranger = await issueCert(await createCa('other'), { commonName: 'system:admin', organization: 'system:masters', usage: 'client' });
    const serverOnly = await issueCert(ca, { commonName: 'srv', organization: 'system:masters', usage: 'server' });
    for (const [name, pair] of [['expired', expired], ['stranger', stranger], ['server-only', serverOnly]] as const) {
      const r = await withCert(name, pair, ['get', 'pods']);
      assert.notEqual(r.code, 0, name);
      assert.match(r.stderr, /You must be logged in to the server \(Unauthorized\)/, `${name}: ${r.stderr}`);
    }
  });

  it('gives the join token nothing but the exchange for node credentials', async () => {
    const joinToken = parseJoinToken(readFileSync(join(c.dataDir, 'token'), 'utf8')).bearer;
    const r = await c.kubectl(['get', 'pods', '--token', joinToken]);
    assert.match(r.stderr, /User "system:k8ts:server-token" cannot list resource "pods"/);
    const bad = await c.http('POST', '/v1-k8ts/node-credentials', { nodeName: 'Not_A_Name' }, { Authorization: `Bearer ${joinToken}` });
    assert.equal(bad.status, 400);
    const anonymous = await c.http('POST', '/v1-k8ts/node-credentials', { nodeName: 'x' }, { Authorization: '' });
    assert.equal(anonymous.status, 403);
  });

  it("lets a node read only what its pods use (acceptance 2)", async () => {
    assert.equal((await asNode(['get', 'secret', 'used'])).code, 0);
    assert.equal((await asNode(['get', 'configmap', 'conf'])).code, 0);
    const unused = await asNode(['get', 'secret', 'unused']);
    assert.match(unused.stderr, /secrets "unused" is forbidden: User "system:node:worker-1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'worker-1' and this object/);
    const list = await asNode(['get', 'secrets']);
    assert.match(list.stderr, /cannot list resource "secrets"/);
    // Once the pod is gone, so is the node's access to its Secret.
    assert.equal((await c.kubectl(['delete', 'pod', 'p', '--grace-period=0', '--force'])).code, 0);
    await eventually(async () => /no relationship found/.test((await asNode(['get', 'secret', 'used'])).stderr), 10_000);
  });

  it('lets a node patch only its own Node object (NodeRestriction)', async () => {
    const other = await asNode(['label', 'node', 'other-node', 'x=y']);
    assert.match(other.stderr, /nodes "other-node" is forbidden: node "worker-1" is not allowed to modify node "other-node"/);
    const file = join(c.dataDir, 'node.kubeconfig');
    const mine = await c.kubectl(['create', '-f', '-', '--kubeconfig', file], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } }) });
    assert.equal(mine.code, 0, mine.stderr);
    const labelled = await asNode(['label', 'node', nodeName, 'x=y']);
    assert.equal(labelled.code, 0, labelled.stderr);
    const registerOther = await c.kubectl(['create', '-f', '-', '--kubeconfig', file], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'not-me' } }) });
    assert.match(registerOther.stderr, /node "worker-1" is not allowed to modify node "not-me"/);
    const del = await asNode(['delete', 'node', 'other-node']);
    assert.match(del.stderr, /nodes "other-node" is forbidden: User "system:node:worker-1" cannot delete resource "nodes"/);
  });

  it('runs the scheduler and the controllers under their own identities', async () => {
    const r = await c.kubectl(['create', 'deployment', 'web', '--image=busybox', '--replicas=2']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => {
      const out = await c.kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}']);
      return out.stdout === '2';
    }, 30_000);
  });
});
