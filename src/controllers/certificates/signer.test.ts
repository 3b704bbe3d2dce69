import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { CertificateSigningRequest } from '../../api/certificates/v1/types.js';
import { FakeClient } from '../../client/testing/fake-client.js';
import { createCertificateRequest, newPrivateKey, type CertificateRequestSubject } from '../../util/csr.js';
import { createCa } from '../../util/pki.js';
import { FakeCaches } from '../testing/fake-caches.js';
import { CSR_RESOURCE } from './resource.js';
import { CsrSigningController } from './signer.js';
import { certificateTtlMs, validityWindow } from './signing-policy.js';

const HOUR = 3600_000;
const csr = (name: string, signerName: string, subject: CertificateRequestSubject, usages: string[], conditions: string[], expirationSeconds?: number): CertificateSigningRequest => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name },
  spec: { request: Buffer.from(createCertificateRequest(subject, newPrivateKey())).toString('base64'), signerName, usages, username: 'someone', ...(expirationSeconds ? { expirationSeconds } : {}) },
  status: { conditions: conditions.map((type) => ({ type, status: 'True', reason: 'Test' })) },
});
const node = { commonName: 'system:node:n1', organizations: ['system:nodes'] };

describe('csrsigning', () => {
  const caches = new FakeCaches();
  after(() => caches.stop());

  it('gives a certificate min(expirationSeconds, the signing duration), at least 10 minutes, backdated 5 minutes', () => {
    assert.equal(certificateTtlMs(undefined, 8760 * HOUR), 8760 * HOUR);
    assert.equal(certificateTtlMs(7200, 8760 * HOUR), 2 * HOUR);
    assert.equal(certificateTtlMs(10 * 8760 * 3600, 8760 * HOUR), 8760 * HOUR);
    assert.equal(certificateTtlMs(60, 8760 * HOUR), 600_000);
    assert.deepEqual(validityWindow(1_000_000_000, 2 * HOUR), { notBefore: 1_000_000_000 - 300_000, notAfter: 1_000_000_000 + 2 * HOUR });
    assert.deepEqual(validityWindow(1_000_000_000, 24 * HOUR), { notBefore: 1_000_000_000 - 300_000, notAfter: 1_000_000_000 + 24 * HOUR - 300_000 });
  });

  it('issues approved requests of its signers, fails those a signer cannot accept, and leaves the rest alone', async () => {
    const ca = await createCa('cluster-ca');
    const fake = new FakeClient().add(
      CSR_RESOURCE,
      csr('client', 'kubernetes.io/kube-apiserver-client', { commonName: 'alice' }, ['client auth', 'digital signature'], ['Approved'], 7200),
      csr('kubelet', 'kubernetes.io/kube-apiserver-client-kubelet', node, ['digital signature', 'client auth'], ['Approved']),
      csr('serving', 'kubernetes.io/kubelet-serving', { ...node, dnsNames: ['n1'] }, ['digital signature', 'key encipherment', 'server auth'], ['Approved']),
      csr('kubelet-wrong-org', 'kubernetes.io/kube-apiserver-client-kubelet', { commonName: 'system:node:n1', organizations: ['system:masters'] }, ['digital signature', 'client auth'], ['Approved']),
      csr('serving-no-san', 'kubernetes.io/kubelet-serving', node, ['digital signature', 'server auth'], ['Approved']),
      csr('client-server-usage', 'kubernetes.io/kube-apiserver-client', { commonName: 'bob' }, ['client auth', 'server auth'], ['Approved']),
      csr('pending', 'kubernetes.io/kube-apiserver-client', { commonName: 'carol' }, ['client auth'], []),
      csr('denied', 'kubernetes.io/kube-apiserver-client', { commonName: 'dave' }, ['client auth'], ['Denied']),
      csr('legacy', 'kubernetes.io/legacy-unknown', { commonName: 'erin' }, ['client auth'], ['Approved']),
      csr('custom', 'example.com/widgets', { commonName: 'frank' }, ['client auth'], ['Approved']),
    );
    const now = Date.now();
    const signer = await caches.start(fake, (c, inf) => new CsrSigningController(c, inf, { ca, clock: () => now }));
    for (const name of ['client', 'kubelet', 'serving', 'kubelet-wrong-org', 'serving-no-san', 'client-server-usage', 'pending', 'denied', 'legacy', 'custom']) await signer.sync(name);
    const get = (name: string) => fake.object<CertificateSigningRequest>(CSR_RESOURCE, undefined, name)!;
    const issued = (name: string) => new X509Certificate(Buffer.from(get(name).status!.certificate!, 'base64'));
    const client = issued('client');
    assert.ok(client.verify(new X509Certificate(ca.cert).publicKey));
    assert.equal(client.subject, 'CN=alice');
    assert.deepEqual(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    // X.509 times are whole seconds.
    assert.ok(Math.abs(Date.parse(client.validFrom) - (now - 300_000)) < 1000, client.validFrom);
    assert.ok(Math.abs(Date.parse(client.validTo) - (now + 2 * HOUR)) < 1000, client.validTo);
    assert.equal(issued('kubelet').subject, 'O=system:nodes\nCN=system:node:n1');
    assert.equal(issued('serving').subjectAltName, 'DNS:n1');
    const failed = (name: string) => get(name).status!.conditions!.find((c) => c.type === 'Failed');
    assert.deepEqual([failed('kubelet-wrong-org')?.reason, failed('kubelet-wrong-org')?.message], ['SignerValidationFailure', 'subject organization is not system:nodes']);
    assert.equal(failed('serving-no-san')?.message, 'DNS or IP subjectAltName is required');
    assert.equal(failed('client-server-usage')?.message, 'invalid usage for client certificate: server auth');
    for (const name of ['kubelet-wrong-org', 'serving-no-san', 'client-server-usage']) assert.equal(get(name).status!.certificate, undefined);
    for (const name of ['pending', 'denied', 'legacy', 'custom']) assert.equal(get(name).status!.certificate, undefined, name);
    assert.deepEqual(fake.writes().map((a) => [a.name, a.subresource]).sort(), [['client', 'status'], ['client-server-usage', 'status'], ['kubelet', 'status'], ['kubelet-wrong-org', 'status'], ['serving', 'status'], ['serving-no-san', 'status']]);
    // Level-based: once the cache shows its writes, a second pass changes nothing.
    fake.deliver();
    await new Promise((r) => setImmediate(r));
    fake.clearActions();
    for (const name of ['client', 'kubelet-wrong-org', 'serving']) await signer.sync(name);
    assert.deepEqual(fake.writes(), []);
  });
});
