import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { CertificateSigningRequest } from '../../api/certificates/v1/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { R } from '../../client/resources.js';
import { FakeClient } from '../../client/testing/fake-client.js';
import { createCertificateRequest, newPrivateKey, type CertificateRequestSubject } from '../../util/csr.js';
import { FakeCaches } from '../testing/fake-caches.js';
import { CsrApprovingController } from './approver.js';
import { CSR_RESOURCE } from './resource.js';

const CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
const SERVING = 'kubernetes.io/kubelet-serving';
const NODES = ['system:nodes'];
const csr = (name: string, signerName: string, subject: CertificateRequestSubject, usages: string[], username: string, groups: string[], conditions: string[] = []): CertificateSigningRequest => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name },
  spec: { request: Buffer.from(createCertificateRequest(subject, newPrivateKey())).toString('base64'), signerName, usages, username, uid: `${username}-uid`, groups },
  status: { conditions: conditions.map((type) => ({ type, status: 'True' })) },
});
const node = (name: string, ip: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] } }) as Node;

describe('csrapproving', () => {
  const caches = new FakeCaches();
  after(() => caches.stop());

  it('approves what a SubjectAccessReview allows for kubelet client requests, and kubelet serving requests for a node\'s own names', async () => {
    const bootstrapper = ['system:bootstrappers', 'system:authenticated'];
    const fake = new FakeClient().add(R.nodes, node('n1', '10.0.0.1')).add(
      CSR_RESOURCE,
      csr('new-node', CLIENT, { commonName: 'system:node:n9', organizations: NODES }, ['digital signature', 'client auth'], 'system:bootstrap:abcdef', bootstrapper),
      csr('renewal', CLIENT, { commonName: 'system:node:n1', organizations: NODES }, ['digital signature', 'key encipherment', 'client auth'], 'system:node:n1', NODES),
      csr('other-node', CLIENT, { commonName: 'system:node:n2', organizations: NODES }, ['digital signature', 'client auth'], 'system:node:n1', NODES),
      csr('stranger', CLIENT, { commonName: 'system:node:n3', organizations: NODES }, ['digital signature', 'client auth'], 'mallory', ['system:authenticated']),
      csr('with-san', CLIENT, { commonName: 'system:node:n1', organizations: NODES, dnsNames: ['n1'] }, ['digital signature', 'client auth'], 'system:node:n1', NODES),
      csr('masters', CLIENT, { commonName: 'system:node:n1', organizations: ['system:nodes', 'system:masters'] }, ['digital signature', 'client auth'], 'system:node:n1', NODES),
      csr('plain-client', 'kubernetes.io/kube-apiserver-client', { commonName: 'system:node:n1', organizations: NODES }, ['digital signature', 'client auth'], 'system:node:n1', NODES),
      csr('serving', SERVING, { commonName: 'system:node:n1', organizations: NODES, dnsNames: ['n1'], ipAddresses: ['10.0.0.1'] }, ['digital signature', 'server auth'], 'system:node:n1', NODES),
      csr('serving-stranger-ip', SERVING, { commonName: 'system:node:n1', organizations: NODES, dnsNames: ['n1'], ipAddresses: ['10.0.0.99'] }, ['digital signature', 'server auth'], 'system:node:n1', NODES),
      csr('serving-for-other', SERVING, { commonName: 'system:node:n2', organizations: NODES, dnsNames: ['n2'] }, ['digital signature', 'server auth'], 'system:node:n1', NODES),
      csr('serving-unknown-node', SERVING, { commonName: 'system:node:n5', organizations: NODES, dnsNames: ['n5'] }, ['digital signature', 'server auth'], 'system:node:n5', NODES),
      csr('denied', CLIENT, { commonName: 'system:node:n1', organizations: NODES }, ['digital signature', 'client auth'], 'system:node:n1', NODES, ['Denied']),
    );
    // The reviews, answered as kubeadm's bindings would: bootstrappers may create nodeclient, nodes selfnodeclient.
    const reviews: string[] = [];
    fake.prependReactor('create', 'subjectaccessreviews', (a) => {
      const spec = (a.body as { spec: { user: string; uid: string; groups: string[]; resourceAttributes: { subresource: string } } }).spec;
      const sub = spec.resourceAttributes.subresource;
      reviews.push(`${spec.user}(${spec.uid}):${sub}`);
      const allowed = (sub === 'nodeclient' && spec.groups.includes('system:bootstrappers')) || (sub === 'selfnodeclient' && spec.groups.includes('system:nodes'));
      return { ...(a.body as object), status: { allowed } };
    });
    const approver = await caches.start(fake, (c, inf) => new CsrApprovingController(c, inf));
    const names = ['new-node', 'renewal', 'other-node', 'stranger', 'with-san', 'masters', 'plain-client', 'serving', 'serving-stranger-ip', 'serving-for-other', 'serving-unknown-node', 'denied'];
    for (const name of names) await approver.sync(name);
    // Every write is an Approved condition through the approval subresource.
    const writes = fake.writes('certificatesigningrequests');
    assert.deepEqual(writes.map((a) => [a.name, a.subresource]), [['new-node', 'approval'], ['renewal', 'approval'], ['serving', 'approval']]);
    const cond = (writes[1]!.body as CertificateSigningRequest).status!.conditions![0]!;
    assert.deepEqual([cond.type, cond.status, cond.reason, cond.message], ['Approved', 'True', 'AutoApproved', 'Auto approving self kubelet client certificate after SubjectAccessReview.']);
    // Self first for a node's own request; only nodeclient for someone else's name.
    assert.deepEqual(reviews, [
      'system:bootstrap:abcdef(system:bootstrap:abcdef-uid):nodeclient',
      'system:node:n1(system:node:n1-uid):selfnodeclient',
      'system:node:n1(system:node:n1-uid):nodeclient',
      'mallory(mallory-uid):nodeclient',
    ]);
  });
});
