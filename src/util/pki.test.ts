import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { expiresWithin, readKeyPair, RENEW_BEFORE_MS, writeKeyPair } from './key-pair.js';
import { createCa, issueCert, subjectAltNames } from './pki.js';

test('a CA issues a leaf for the names and usage asked, and the pair round-trips through its files', async () => {
  const ca = await createCa('test-ca');
  const leaf = await issueCert(ca, { commonName: 'node-1', organization: 'system:nodes', dnsNames: ['node-1', 'localhost'], ips: ['127.0.0.1'], usage: 'server', days: 10 });
  const cert = new X509Certificate(leaf.cert);
  assert.ok(cert.checkIssued(new X509Certificate(ca.cert)));
  assert.equal(cert.subject, 'O=system:nodes\nCN=node-1');
  assert.deepEqual(subjectAltNames(leaf.cert), { dns: ['node-1', 'localhost'], ips: ['127.0.0.1'] });
  assert.equal(expiresWithin(leaf.cert, RENEW_BEFORE_MS), true);
  assert.equal(expiresWithin(ca.cert, RENEW_BEFORE_MS), false);

  const dir = mkdtempSync(join(tmpdir(), 'k8ts-pki-'));
  try {
    const [crt, key] = [join(dir, 'x.crt'), join(dir, 'x.key')];
    assert.equal(readKeyPair(crt, key), undefined);
    writeKeyPair(crt, key, leaf);
    assert.deepEqual(readKeyPair(crt, key), leaf);
    assert.equal(statSync(key).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
