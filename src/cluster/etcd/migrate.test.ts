import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EtcdClient } from '../../storage/etcd/client.js';
import { startEtcd, type TestEtcd } from '../../storage/etcd/testing/etcd-server.js';
import { openSqliteStore } from '../../storage/sqlite.js';
import { migrateSqliteToEtcd, sqliteToMigrate } from './migrate.js';

describe('sqlite to etcd migration', () => {
  let etcd: TestEtcd;
  let client: EtcdClient;
  const dirs: string[] = [];
  before(async () => {
    etcd = await startEtcd();
    client = new EtcdClient({ endpoints: [etcd.endpoint] });
  });
  after(async () => {
    client.close();
    await etcd.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('copies every live key byte for byte, across batches of etcd\'s op and size limits, then keeps state.db aside', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-migrate-unit-'));
    dirs.push(dataDir);
    mkdirSync(join(dataDir, 'db'));
    const sqlite = await openSqliteStore(join(dataDir, 'state.db'));
    const want = new Map<string, Buffer>();
    for (let i = 0; i < 300; i++) want.set(`/registry/configmaps/a/cm-${String(i).padStart(3, '0')}`, Buffer.from(JSON.stringify({ i })));
    // Large values: a batch is cut by bytes before it reaches etcd's 1.5 MiB request limit.
    for (let i = 0; i < 4; i++) want.set(`/registry/secrets/a/big-${i}`, Buffer.alloc(600 * 1024, i));
    want.set('/registry/binary', Buffer.from([0, 255, 1, 254]));
    for (const [k, v] of want) await sqlite.create(k, v);
    await sqlite.create('/registry/gone', Buffer.from('x'));
    await sqlite.delete('/registry/gone');
    await sqlite.close();
    assert.equal(sqliteToMigrate(dataDir, true), true);
    assert.equal(sqliteToMigrate(dataDir, false), false, 'an existing member with no copy under way: state.db is left alone');

    const lines: string[] = [];
    const m = await migrateSqliteToEtcd(dataDir, client, (l) => lines.push(l));
    assert.equal(m.keys, want.size);
    assert.equal(m.keptAs, join(dataDir, 'state.db.migrated'));
    assert.ok(!existsSync(join(dataDir, 'state.db')) && existsSync(m.keptAs));
    assert.match(lines[0]!, new RegExp(`^migrating ${want.size} keys from `));
    const got = await client.range({ key: Buffer.from('/registry/'), rangeEnd: Buffer.from('/registry0') });
    assert.equal(got.kvs.length, want.size);
    for (const kv of got.kvs) assert.ok(want.get(kv.key.toString())?.equals(kv.value), kv.key.toString());
    assert.equal(sqliteToMigrate(dataDir, true), false, 'nothing left to copy');
  });

  it('a copy cut short (its marker still there) is done again on the next start', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-migrate-unit-'));
    dirs.push(dataDir);
    mkdirSync(join(dataDir, 'db'));
    writeFileSync(join(dataDir, 'state.db'), '');
    writeFileSync(join(dataDir, 'db', 'migrating-from-sqlite'), 'then\n');
    assert.equal(sqliteToMigrate(dataDir, false), true);
  });
});
