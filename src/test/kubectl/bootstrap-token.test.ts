// Bootstrap tokens through the real kubectl: a bootstrap.kubernetes.io/token Secret in
// kube-system makes `<id>.<secret>` a credential (kubectl auth whoami), good for joining a node
// (the node-credentials endpoint and a CertificateSigningRequest for the kubelet) and nothing
// else; expired or deleted, it is a 401.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCertificateRequest, newPrivateKey } from '../../util/csr.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const tokenSecret = (id: string, secret: string, expiration: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    stringData: { 'token-id': id, 'token-secret': secret, expiration, 'usage-bootstrap-authentication': 'true', 'usage-bootstrap-signing': 'true', 'auth-extra-groups': 'system:bootstrappers:k8ts:default-node-token' },
  });

describe('bootstrap tokens', () => {
  let c: TestCluster;
  const TOKEN = 'abcdef.0123456789abcdef';
  before(async () => {
    c = await startTestCluster({ controlPlane: { disableControllers: true, disableScheduler: true } });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    for (const s of [tokenSecret('abcdef', '0123456789abcdef', tomorrow), tokenSecret('old000', '0123456789abcdef', '2020-01-01T00:00:00Z')]) {
      const r = await c.kubectl(['apply', '-f', '-'], { input: s });
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => c?.stop());

  it('authenticates as system:bootstrap:<id> in system:bootstrappers and its extra groups', async () => {
    const who = await eventually(async () => {
      const r = await c.kubectl(['auth', 'whoami', '--token', TOKEN, '-o', 'json']);
      return r.code === 0 ? JSON.parse(r.stdout) : undefined;
    }, 5_000);
    assert.equal(who.status.userInfo.username, 'system:bootstrap:abcdef');
    assert.deepEqual(who.status.userInfo.groups, ['system:bootstrappers', 'system:bootstrappers:k8ts:default-node-token', 'system:authenticated']);
  });

  it('may trade itself for a node’s credentials, ask for a kubelet certificate, and read nothing else', async () => {
    const join = await c.http('POST', '/v1-k8ts/node-credentials', { nodeName: 'joiner' }, { Authorization: `Bearer ${TOKEN}` });
    assert.equal(join.status, 200, join.body);
    assert.match(join.json().proxy.cert, /BEGIN CERTIFICATE/);
    // The kubelet's own certificate comes through a CertificateSigningRequest, never from here.
    assert.equal(join.json().kubelet, undefined);
    const csr = {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'joiner' },
      spec: { request: Buffer.from(createCertificateRequest({ commonName: 'system:node:joiner', organizations: ['system:nodes'] }, newPrivateKey())).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] },
    };
    const asked = await c.kubectl(['create', '-f', '-', '--token', TOKEN], { input: JSON.stringify(csr) });
    assert.equal(asked.code, 0, asked.stderr);
    const requestor = await c.kubectl(['get', 'csr', 'joiner', '-o', 'jsonpath={.spec.username} {.spec.groups}']);
    assert.equal(requestor.stdout, 'system:bootstrap:abcdef ["system:bootstrappers","system:bootstrappers:k8ts:default-node-token","system:authenticated"]');
    const pods = await c.kubectl(['get', 'pods', '--token', TOKEN]);
    assert.notEqual(pods.code, 0);
    assert.match(pods.stderr, /User "system:bootstrap:abcdef" cannot list resource "pods"/);
  });

  it('an expired token, and one whose Secret is deleted, get 401', async () => {
    const expired = await c.kubectl(['get', 'pods', '--token', 'old000.0123456789abcdef']);
    assert.match(expired.stderr, /You must be logged in to the server \(Unauthorized\)/);
    assert.equal((await c.kubectl(['delete', 'secret', 'bootstrap-token-abcdef', '-n', 'kube-system'])).code, 0);
    await eventually(async () => /Unauthorized/.test((await c.kubectl(['auth', 'whoami', '--token', TOKEN])).stderr), 5_000);
  });
});
