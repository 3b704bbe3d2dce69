import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, etcdEndpoints, EtcdStore, MemoryStore, SqliteStore } from './index.js';
import { startEtcd } from './etcd/testing/etcd-server.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-openstore-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('opens memory://', async () => {
    const s = await openStore('memory://');
    assert.ok(s instanceof MemoryStore);
    await s.close();
  });

  it('opens sqlite:///absolute and sqlite://relative paths', async () => {
    const abs = join(dir, 'abs', 'state.db');
    const s1 = await openStore(`sqlite://${abs}`);
    assert.ok(s1 instanceof SqliteStore);
    assert.equal(s1.path, abs);
    await s1.create('/x', Buffer.from('1'));
    await s1.close();
    assert.ok(existsSync(abs));

    const s2 = await openStore('sqlite://rel/state.db', dir);
    assert.ok(s2 instanceof SqliteStore);
    assert.equal(s2.path, join(dir, 'rel', 'state.db'));
    await s2.close();
  });

  it('rejects unknown or incomplete endpoints with a clear error', async () => {
    await assert.rejects(openStore('mysql://db'), /unsupported datastore endpoint "mysql:\/\/db"/);
    await assert.rejects(openStore('/var/lib/state.db'), /unsupported datastore endpoint/);
    await assert.rejects(openStore('sqlite://'), /no database path/);
    await assert.rejects(openStore('https://127.0.0.1:2379,mysql://db'), /unsupported datastore endpoint/);
    await assert.rejects(openStore('http://127.0.0.1:2379', dir, { caFile: '/ca.pem' }), /not https/);
    await assert.rejects(openStore('https://127.0.0.1:2379', dir, { certFile: '/c.pem' }), /go together/);
  });

  it('reads http(s) endpoints and comma lists as etcd members', () => {
    assert.deepEqual(etcdEndpoints('https://10.0.0.1:2379'), ['https://10.0.0.1:2379']);
    assert.deepEqual(etcdEndpoints('https://a:2379, https://b:2379,https://c:2379'), ['https://a:2379', 'https://b:2379', 'https://c:2379']);
    assert.deepEqual(etcdEndpoints('http://127.0.0.1:2379'), ['http://127.0.0.1:2379']);
    assert.equal(etcdEndpoints('sqlite:///x'), undefined);
    assert.equal(etcdEndpoints(''), undefined);
  });

  it('opens an etcd endpoint list, skipping a member that is down', async () => {
    const etcd = await startEtcd();
    try {
      const s = await openStore(`http://127.0.0.1:1,${etcd.endpoint}`);
      assert.ok(s instanceof EtcdStore);
      const rev = await s.create('/registry/x', Buffer.from('1'));
      assert.equal((await s.get('/registry/x'))?.modRevision, rev);
      await s.close();
    } finally {
      await etcd.stop();
    }
  });
});
