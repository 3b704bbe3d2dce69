import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCertificateRequest, newPrivateKey, parseCertificateRequest } from './csr.js';
import { createCa, signRequestedLeaf } from './pki.js';

test('a request written here reads back with its subject, names and a valid signature', () => {
  const key = newPrivateKey();
  const pem = createCertificateRequest({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1', 'n1.example.com'], ipAddresses: ['10.0.0.7', 'fd00::1:2'] }, key);
  assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  const req = parseCertificateRequest(pem);
  assert.equal(req.commonName, 'system:node:n1');
  assert.deepEqual(req.organizations, ['system:nodes']);
  assert.deepEqual(req.dnsNames, ['n1', 'n1.example.com']);
  assert.deepEqual(req.ipAddresses, ['10.0.0.7', 'fd00::1:2']);
  assert.deepEqual([req.emailAddresses, req.uris], [[], []]);
});

test('openssl reads our requests, and we read and verify openssl\'s (RSA, several attributes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csr-test-'));
  try {
    const ours = join(dir, 'ours.csr');
    execFileSync('sh', ['-c', `cat > ${ours}`], { input: createCertificateRequest({ commonName: 'alice', organizations: ['devs', 'qa'] }, newPrivateKey()) });
    const text = execFileSync('openssl', ['req', '-in', ours, '-noout', '-verify', '-subject'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(text, /subject=O ?= ?devs, O ?= ?qa, CN ?= ?alice/);
    const theirs = join(dir, 'theirs.csr');
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', theirs, '-subj', '/C=DE/O=system:nodes/CN=system:node:w', '-addext', 'subjectAltName=DNS:w,IP:192.168.1.2,email:a@b.c,URI:spiffe://x/y'], { stdio: 'ignore' });
    const req = parseCertificateRequest(readFileSync(theirs, 'utf8'));
    assert.deepEqual([req.commonName, req.organizations, req.dnsNames, req.ipAddresses, req.emailAddresses, req.uris], ['system:node:w', ['system:nodes'], ['w'], ['192.168.1.2'], ['a@b.c'], ['spiffe://x/y']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a request whose signature does not verify, or that is not a request, is refused in Go\'s words', () => {
  const pem = createCertificateRequest({ commonName: 'x' }, newPrivateKey());
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
  der[der.length - 5] ^= 0xff; // inside the signature
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  assert.throws(() => parseCertificateRequest(tampered), /x509: ECDSA verification failure/);
  assert.throws(() => parseCertificateRequest('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /PEM block type must be CERTIFICATE REQUEST/);
  assert.throws(() => parseCertificateRequest('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'), /asn1: structure error/);
});

test('a signed leaf carries the request\'s subject, names, key and usages, bounded by the CA', async () => {
  const ca = await createCa('test-ca');
  const key = newPrivateKey();
  const req = parseCertificateRequest(createCertificateRequest({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1'], ipAddresses: ['10.0.0.7'] }, key));
  const now = Date.now();
  const pem = await signRequestedLeaf(ca, req, ['digital signature', 'server auth'], now - 300_000, now + 3600_000);
  const cert = new X509Certificate(pem);
  assert.ok(cert.verify(new X509Certificate(ca.cert).publicKey));
  assert.equal(cert.subject, 'O=system:nodes\nCN=system:node:n1');
  assert.equal(cert.subjectAltName, 'DNS:n1, IP Address:10.0.0.7');
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(key)));
  assert.ok(Math.abs(Date.parse(cert.validTo) - (now + 3600_000)) < 1000);
  assert.equal(cert.ca, false);
  // Never past the CA's own end.
  const long = new X509Certificate(await signRequestedLeaf(ca, req, ['client auth'], now, now + 100 * 365 * 86_400_000));
  assert.equal(long.validTo, new X509Certificate(ca.cert).validTo);
});
