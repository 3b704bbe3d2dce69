import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import type { CertificateSigningRequest } from '../api/certificates/v1/types.js';
import { parseCertificateRequest } from '../util/csr.js';
import type { KeyPair } from '../util/key-pair.js';
import { createCa, issueCert, signRequestedLeaf } from '../util/pki.js';
import { CertificateManager, rotationDeadline } from './certificate-manager.js';
import { waitForCertificate } from './csr.js';
import { FakeClient } from './testing/fake-client.js';

const DAY = 86_400_000;

test('the rotation deadline falls between 70% and 84% of the lifetime, as the kubelet jitters it', async () => {
  const ca = await createCa('ca');
  const now = Date.now();
  const leaf = await issueCert(ca, { commonName: 'x', usage: 'client', days: 100 }, now);
  const from = Date.parse(new X509Certificate(leaf.cert).validFrom);
  const total = Date.parse(new X509Certificate(leaf.cert).validTo) - from;
  assert.equal(rotationDeadline(leaf.cert, () => 0), from + total * 0.7);
  assert.equal(rotationDeadline(leaf.cert, () => 1), from + total * 0.84);
  assert.ok(total > 99 * DAY);
});

/** A fake API whose signer issues every request at once (or never, or denies it). */
async function fakeSigner(mode: 'issue' | 'ignore' | 'deny') {
  const ca = await createCa('cluster-ca');
  const fake = new FakeClient();
  const requests: CertificateSigningRequest[] = [];
  fake.prependReactor('create', 'certificatesigningrequests', (a) => {
    const csr = structuredClone(a.body as CertificateSigningRequest);
    csr.metadata.name = `csr-${requests.length}`;
    requests.push(csr);
    return csr;
  });
  fake.prependReactor('get', 'certificatesigningrequests', (a) => {
    const csr = structuredClone(requests.find((r) => r.metadata.name === a.name)!);
    if (mode === 'deny') csr.status = { conditions: [{ type: 'Denied', status: 'True', reason: 'Nope', message: 'not you' }] };
    if (mode === 'issue') {
      const now = Date.now();
      return signRequestedLeaf(ca, parseCertificateRequest(Buffer.from(csr.spec.request, 'base64').toString()), csr.spec.usages ?? [], now - 1000, now + DAY).then((pem) => ({ ...csr, status: { certificate: Buffer.from(pem).toString('base64') } }));
    }
    return csr;
  });
  return { fake, requests };
}

const template = { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], subject: { commonName: 'system:node:n1', organizations: ['system:nodes'] } };

test('a rotation makes a new key, asks with the current identity, and hands the issued pair over', async () => {
  const { fake, requests } = await fakeSigner('issue');
  const handed: KeyPair[] = [];
  const asked: (string | undefined)[] = [];
  const m = new CertificateManager({ template, client: (cur) => (asked.push(cur?.cert), { client: fake, close: () => undefined }), onRotate: (p) => void handed.push(p) });
  const first = await m.rotate();
  const second = await m.rotate();
  assert.equal(handed.length, 2);
  assert.notEqual(first.key, second.key, 'a new key each time');
  assert.deepEqual(asked, [undefined, first.cert]);
  assert.ok(new X509Certificate(second.cert).checkPrivateKey((await import('node:crypto')).createPrivateKey(second.key)));
  assert.equal(requests.length, 2);
  assert.equal(requests[0]!.metadata.generateName, 'csr-');
  assert.deepEqual(requests[0]!.spec.usages, ['digital signature', 'client auth']);
  assert.doesNotMatch(JSON.stringify(requests), /PRIVATE KEY/);
  assert.equal(m.current(), second);
});

test('waiting ends with a denial, or after the timeout with how to approve', async () => {
  const denied = await fakeSigner('deny');
  const noop = async () => undefined;
  const c1 = await denied.fake.create<CertificateSigningRequest>('/apis/certificates.k8s.io/v1/certificatesigningrequests', { metadata: { generateName: 'csr-' }, spec: { request: '', signerName: 's.io/x' } });
  await assert.rejects(waitForCertificate(denied.fake, c1.metadata.name!, { sleep: noop }), /certificate signing request csr-0 was denied, reason: Nope, message: not you/);
  const ignored = await fakeSigner('ignore');
  const c2 = await ignored.fake.create<CertificateSigningRequest>('/apis/certificates.k8s.io/v1/certificatesigningrequests', { metadata: { generateName: 'csr-' }, spec: { request: '', signerName: 's.io/x' } });
  await assert.rejects(waitForCertificate(ignored.fake, c2.metadata.name!, { timeoutMs: 30, pollMs: 5 }), /timed out after 0s waiting for certificate signing request csr-0: it was not approved; approve it with: kubectl certificate approve csr-0/);
});
