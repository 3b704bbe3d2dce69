// CertificateSigningRequests through the real kubectl under Node,RBAC: `kubectl get csr` with
// upstream's columns, `kubectl certificate approve|deny`, `kubectl describe csr`, a certificate
// the csrsigning controller issues that then authenticates, a denied request never signed, the
// approve permission on signers and the system:masters restriction, and csrapproving approving a
// node's request for its own names only.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderKubeconfig } from '../../cluster/kubeconfig.js';
import { createCertificateRequest, newPrivateKey, type CertificateRequestSubject } from '../../util/csr.js';
import type { KeyPair } from '../../util/key-pair.js';
import { issueCert } from '../../util/pki.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const csrManifest = (name: string, key: string, subject: CertificateRequestSubject, signerName: string, usages: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(createCertificateRequest(subject, key)).toString('base64'), signerName, usages, ...extra },
  });

describe('CertificateSigningRequests with kubectl', () => {
  let c: TestCluster;
  const withCert = (name: string, pair: KeyPair, args: string[], input?: string) => {
    const file = join(c.dataDir, `${name}.kubeconfig`);
    writeFileSync(file, renderKubeconfig({ server: c.cp.url, caPem: c.cp.caPem, certPem: pair.cert, keyPem: pair.key }));
    return c.kubectl([...args, '--kubeconfig', file], input === undefined ? {} : { input });
  };
  const condition = async (name: string) => (await c.kubectl(['get', 'csr', name, '-o', 'jsonpath={.status.conditions[*].type}'])).stdout;
  const certificateOf = async (name: string) => Buffer.from((await c.kubectl(['get', 'csr', name, '-o', 'jsonpath={.status.certificate}'])).stdout, 'base64').toString();

  before(async () => {
    c = await startTestCluster({ authorizationMode: 'Node,RBAC' });
  });
  after(() => c?.stop());

  it('lists a request with upstream columns, approves it, and the issued certificate authenticates', async () => {
    const key = newPrivateKey();
    const created = await c.kubectl(['create', '-f', '-'], { input: csrManifest('alice', key, { commonName: 'alice', organizations: ['devs'] }, 'kubernetes.io/kube-apiserver-client', ['client auth'], { expirationSeconds: 3600 }) });
    assert.equal(created.code, 0, created.stderr);
    const listed = await c.kubectl(['get', 'csr', 'alice']);
    assert.equal(listed.code, 0, listed.stderr);
    const [header, row] = listed.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    assert.deepEqual(header, ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION']);
    assert.deepEqual([row![0], row![2], row![3], row![4], row![5]], ['alice', 'kubernetes.io/kube-apiserver-client', 'system:admin', '60m', 'Pending']);
    // Nobody approves client requests on their own.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await condition('alice'), '');

    const approved = await c.kubectl(['certificate', 'approve', 'alice']);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /certificatesigningrequest.certificates.k8s.io\/alice approved/);
    await eventually(async () => / Approved,Issued\s*$/m.test((await c.kubectl(['get', 'csr', 'alice'])).stdout), 10_000);
    const cert = await certificateOf('alice');
    assert.match(cert, /BEGIN CERTIFICATE/);
    const who = await withCert('alice', { cert, key }, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout, 'alice ["devs","system:authenticated"]');
    const described = await c.kubectl(['describe', 'csr', 'alice']);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /Requesting User:\s+system:admin/);
    assert.match(described.stdout, /Signer:\s+kubernetes.io\/kube-apiserver-client/);
    assert.match(described.stdout, /Status:\s+Approved,Issued/);
    assert.match(described.stdout, /Common Name:\s+alice/);
    // The spec can't be changed afterwards: a main-resource write leaves it as it was.
    const patched = await c.kubectl(['patch', 'csr', 'alice', '--type=merge', '-p', '{"spec":{"signerName":"example.com/other"}}']);
    assert.equal(patched.code, 0, patched.stderr);
    assert.equal((await c.kubectl(['get', 'csr', 'alice', '-o', 'jsonpath={.spec.signerName}'])).stdout, 'kubernetes.io/kube-apiserver-client');
  });

  it('never signs a denied request', async () => {
    const created = await c.kubectl(['create', '-f', '-'], { input: csrManifest('bob', newPrivateKey(), { commonName: 'bob' }, 'kubernetes.io/kube-apiserver-client', ['client auth', 'digital signature']) });
    assert.equal(created.code, 0, created.stderr);
    const denied = await c.kubectl(['certificate', 'deny', 'bob']);
    assert.equal(denied.code, 0, denied.stderr);
    assert.match(denied.stdout, /certificatesigningrequest.certificates.k8s.io\/bob denied/);
    const listed = await eventually(async () => {
      const r = await c.kubectl(['get', 'csr', 'bob', '--no-headers']);
      return / Denied\s*$/.test(r.stdout) ? r.stdout : undefined;
    }, 5_000);
    assert.doesNotMatch(listed, /Issued/);
    // kubectl refuses to approve it too; so does the server, if asked directly.
    const both = await c.kubectl(['certificate', 'approve', 'bob']);
    assert.match(both.stderr, /certificate signing request "bob" is already Denied/);
    const path = '/apis/certificates.k8s.io/v1/certificatesigningrequests/bob';
    const cur = (await c.http('GET', path)).json();
    cur.status.conditions.push({ type: 'Approved', status: 'True', reason: 'Sneaky' });
    const put = await c.http('PUT', `${path}/approval`, cur);
    assert.equal(put.status, 422, put.body);
    assert.match(put.json().message, /status.conditions\[1\].type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive/);
    // Nor can the Denied condition be taken back.
    cur.status.conditions = [];
    const removed = await c.http('PUT', `${path}/approval`, cur);
    assert.match(removed.json().message, /updates may not remove a condition of type "Denied"/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await certificateOf('bob'), '');
  });

  it('validates requests as upstream', async () => {
    const bad = JSON.stringify({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'bad' }, spec: { request: Buffer.from('not a request').toString('base64'), signerName: 'nodomain', usages: ['client auth', 'flying'], expirationSeconds: 599 } });
    const r = await c.kubectl(['create', '-f', '-'], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec.request: Invalid value: .*PEM block type must be CERTIFICATE REQUEST/);
    assert.match(r.stderr, /spec.usages\[1\]: Unsupported value: "flying"/);
    assert.match(r.stderr, /spec.signerName: Invalid value: "nodomain": must be a fully qualified domain and path of the form 'example.com\/signer-name'/);
    assert.match(r.stderr, /spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds \(10 minutes\)/);
    const masters = await c.kubectl(['create', '-f', '-'], { input: csrManifest('root', newPrivateKey(), { commonName: 'root', organizations: ['system:masters'] }, 'kubernetes.io/kube-apiserver-client', ['client auth']) });
    assert.match(masters.stderr, /certificatesigningrequests.certificates.k8s.io "root" is forbidden: use of kubernetes.io\/kube-apiserver-client signer with system:masters group is not allowed/);
  });

  it('needs approve on the signer to approve', async () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'csr-approval-only' },
      rules: [
        { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['get', 'list'] },
        { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] },
        { apiGroups: ['certificates.k8s.io'], resources: ['signers'], verbs: ['approve'], resourceNames: ['example.com/*'] },
      ],
    };
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'carol-csr' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'csr-approval-only' }, subjects: [{ kind: 'User', name: 'carol' }] };
    for (const o of [role, binding]) assert.equal((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(o) })).code, 0);
    for (const [name, signer] of [['for-client', 'kubernetes.io/kube-apiserver-client'], ['for-example', 'example.com/widgets']] as const) {
      assert.equal((await c.kubectl(['create', '-f', '-'], { input: csrManifest(name, newPrivateKey(), { commonName: name }, signer, ['client auth']) })).code, 0);
    }
    const carol = await issueCert({ cert: c.cp.ca.cert, key: c.cp.ca.key }, { commonName: 'carol', usage: 'client' });
    const refused = await withCert('carol', carol, ['certificate', 'approve', 'for-client']);
    assert.match(refused.stderr, /certificatesigningrequests.certificates.k8s.io "for-client" is forbidden: user not permitted to approve requests with signerName "kubernetes.io\/kube-apiserver-client"/);
    // A grant on every signer of a domain: example.com/*.
    const allowed = await withCert('carol', carol, ['certificate', 'approve', 'for-example']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(await condition('for-example'), 'Approved');
    // No signer here serves example.com: approved, it stays unissued.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await certificateOf('for-example'), '');
  });

  it("auto-approves a node's requests for its own names only", async () => {
    const node = await issueCert({ cert: c.cp.ca.cert, key: c.cp.ca.key }, { commonName: 'system:node:worker-a', organization: 'system:nodes', usage: 'client' });
    const asNode = (args: string[], input?: string) => withCert('worker-a', node, args, input);
    // The Node, with its addresses, as the kubelet registers it.
    const created = await asNode(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-a' } }));
    assert.equal(created.code, 0, created.stderr);
    const addressed = await c.kubectl(['patch', 'node', 'worker-a', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { addresses: [{ type: 'InternalIP', address: '10.1.2.3' }, { type: 'Hostname', address: 'worker-a' }] } })]);
    assert.equal(addressed.code, 0, addressed.stderr);
    const ask = async (name: string, subject: CertificateRequestSubject, signer: string, usages: string[]) => {
      const r = await asNode(['create', '-f', '-'], csrManifest(name, newPrivateKey(), subject, signer, usages));
      assert.equal(r.code, 0, r.stderr);
    };
    const nodes = ['system:nodes'];
    await ask('own-client', { commonName: 'system:node:worker-a', organizations: nodes }, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth']);
    await ask('other-client', { commonName: 'system:node:worker-b', organizations: nodes }, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth']);
    await ask('own-serving', { commonName: 'system:node:worker-a', organizations: nodes, dnsNames: ['worker-a'], ipAddresses: ['10.1.2.3'] }, 'kubernetes.io/kubelet-serving', ['digital signature', 'server auth']);
    await ask('stranger-serving', { commonName: 'system:node:worker-a', organizations: nodes, dnsNames: ['worker-a', 'bank.example.com'], ipAddresses: ['10.1.2.3'] }, 'kubernetes.io/kubelet-serving', ['digital signature', 'server auth']);
    await ask('other-serving', { commonName: 'system:node:worker-b', organizations: nodes, dnsNames: ['worker-b'] }, 'kubernetes.io/kubelet-serving', ['digital signature', 'server auth']);
    for (const name of ['own-client', 'own-serving']) await eventually(async () => / Approved,Issued\s*$/.test((await c.kubectl(['get', 'csr', name, '--no-headers'])).stdout), 10_000);
    const serving = await certificateOf('own-serving');
    assert.match(serving, /BEGIN CERTIFICATE/);
    // The others wait for a person: nothing approved them while the approver saw them all.
    await new Promise((r) => setTimeout(r, 1500));
    for (const name of ['other-client', 'stranger-serving', 'other-serving']) {
      const r = await c.kubectl(['get', 'csr', name, '--no-headers']);
      assert.match(r.stdout, / system:node:worker-a\s+<none>\s+Pending\s*$/, `${name}: ${r.stdout}`);
    }
    // A node may not approve anything itself.
    const self = await asNode(['certificate', 'approve', 'other-client']);
    assert.match(self.stderr, /forbidden/);
  });
});
