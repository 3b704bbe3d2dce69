import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeKeyPair } from '../util/key-pair.js';
import { issueCert } from '../util/pki.js';
import { ensureServerPki } from './pki.js';

const DAY = 24 * 3600 * 1000;
const days = (pem: string) => (Date.parse(new X509Certificate(pem).validTo) - Date.now()) / DAY;

describe('server PKI', () => {
  it('a CA of 10 years; a serving certificate within 90 days of expiry is renewed at start, one further off is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-pki-'));
    try {
      const first = await ensureServerPki(dir, ['localhost'], ['127.0.0.1']);
      assert.ok(days(first.ca.cert) > 3649);
      const keep = await issueCert(first.ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ips: ['127.0.0.1'], usage: 'server', days: 120 });
      writeKeyPair(join(dir, 'tls', 'serving-kube-apiserver.crt'), join(dir, 'tls', 'serving-kube-apiserver.key'), keep);
      assert.equal((await ensureServerPki(dir, ['localhost'], ['127.0.0.1'])).serving.cert, keep.cert);
      const near = await issueCert(first.ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ips: ['127.0.0.1'], usage: 'server', days: 80 });
      writeKeyPair(join(dir, 'tls', 'serving-kube-apiserver.crt'), join(dir, 'tls', 'serving-kube-apiserver.key'), near);
      const renewed = await ensureServerPki(dir, ['localhost'], ['127.0.0.1']);
      assert.notEqual(renewed.serving.cert, near.cert);
      assert.ok(days(renewed.serving.cert) > 300);
      assert.equal(renewed.ca.cert, first.ca.cert);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
