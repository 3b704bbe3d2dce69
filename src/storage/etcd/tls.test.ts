// etcd with client certificate authentication: the store connects with the CA and a client
// certificate (as --datastore-cafile/-certfile/-keyfile give them), and is refused without one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../index.js';
import { Recorder } from '../contract-suite.js';
import { startEtcd, type TestEtcd } from './testing/etcd-server.js';
import { writeEtcdPki, type EtcdPkiFiles } from './testing/etcd-pki.js';

describe('etcd over TLS with --client-cert-auth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-tls-'));
  let pki: EtcdPkiFiles;
  let etcd: TestEtcd | undefined;
  before(async () => {
    pki = await writeEtcdPki(dir);
    etcd = await startEtcd({ tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: pki.caFile } });
  });
  after(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads, writes and watches with the CA and a client certificate', async () => {
    assert.match(etcd!.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    const s = await openStore(etcd!.endpoint, dir, { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile });
    try {
      const rec = new Recorder();
      s.watch('/registry/secrets/', rec.opts(s.currentRevision()));
      const rev = await s.create('/registry/secrets/default/s', Buffer.from('{}'));
      assert.deepEqual(rec.revisions(), [rev]);
      assert.equal((await s.get('/registry/secrets/default/s'))?.modRevision, rev);
    } finally {
      await s.close();
    }
  });

  it('is refused without a client certificate', async () => {
    await assert.rejects(openStore(etcd!.endpoint, dir, { caFile: pki.caFile }), /etcd Status/);
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const other = await writeEtcdPki(dir, 'other');
    await assert.rejects(openStore(etcd!.endpoint, dir, { caFile: other.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }), /etcd Status/);
  });
});
