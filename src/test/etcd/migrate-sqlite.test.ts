// Issue 12: `k8ts server --cluster-init` over a data dir whose cluster is in sqlite copies every
// key into the new embedded etcd before serving, as k3s migrates kine's sqlite: objects keep
// their names, uids and content (Secrets encrypted at rest stay readable), state.db is kept
// renamed, the log says so, and the next start does not copy again.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { killServer, type ServerProcess } from '../durability/server-process.js';
import { etcdPorts, kubectl, startEmbedded, stopGracefully } from './embedded-process.js';

const NS = 'moved';

describe('migrating a sqlite data dir into the embedded etcd (--cluster-init)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-migrate-'));
  const servers: ServerProcess[] = [];
  const track = (s: ServerProcess) => servers.push(s);
  after(async () => {
    for (const s of servers) await killServer(s);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const ok = async (args: string[]) => {
    const r = await kubectl(dataDir, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const objects = async () => {
    const out = new Map<string, any>();
    for (const kind of ['configmaps', 'secrets', 'serviceaccounts']) {
      for (const i of JSON.parse(await ok(['get', kind, '-n', NS, '-o', 'json'])).items as any[]) out.set(`${kind}/${i.metadata.name}`, i);
    }
    out.set('namespace', JSON.parse(await ok(['get', 'namespace', NS, '-o', 'json'])));
    return out;
  };

  it('copies every object, keeps names, uids and content, keeps state.db renamed, and serves on etcd', async () => {
    // On sqlite first, with Secrets encrypted at rest.
    let server = await startEmbedded(dataDir, ['--secrets-encryption', '--etcd-disable-snapshots'], track);
    await ok(['create', 'namespace', NS]);
    for (let i = 0; i < 30; i++) await ok(['create', 'configmap', `cm-${i}`, '-n', NS, `--from-literal=i=${i}`]);
    await ok(['create', 'secret', 'generic', 'pw', '-n', NS, '--from-literal=password=hunter2']);
    await ok(['label', 'configmap', 'cm-3', '-n', NS, 'edited=yes']);
    await ok(['delete', 'configmap', 'cm-4', '-n', NS]);
    const before = await objects();
    assert.ok(existsSync(join(dataDir, 'state.db')));
    await stopGracefully(server);

    const ports = await etcdPorts();
    server = await startEmbedded(dataDir, ['--cluster-init', '--secrets-encryption', ...ports], track);
    const m = /migrated (\d+) keys \([\d.]+ MiB\) from sqlite into the embedded etcd in [\d.]+ s; the old database is kept as (\S+)\. Objects keep their names, uids and content; their resourceVersions are new \(etcd revisions\), so clients relist/.exec(server.log());
    assert.ok(m, server.log());
    assert.ok(Number(m[1]) > 30);
    assert.equal(m[2], join(dataDir, 'state.db.migrated'));
    assert.ok(existsSync(join(dataDir, 'state.db.migrated')) && !existsSync(join(dataDir, 'state.db')));
    assert.ok(!existsSync(join(dataDir, 'db', 'migrating-from-sqlite')));

    const now = await objects();
    assert.deepEqual([...now.keys()].sort(), [...before.keys()].sort());
    for (const [key, obj] of before) {
      const got = now.get(key);
      assert.equal(got.metadata.uid, obj.metadata.uid, key);
      assert.equal(got.metadata.creationTimestamp, obj.metadata.creationTimestamp, key);
      assert.deepEqual(got.data, obj.data, key);
      assert.deepEqual(got.metadata.labels, obj.metadata.labels, key);
    }
    assert.equal(Buffer.from(now.get('secrets/pw').data.password, 'base64').toString(), 'hunter2');
    // Served from etcd: new writes work and the member is there.
    await ok(['create', 'configmap', 'on-etcd', '-n', NS]);
    assert.ok(existsSync(join(dataDir, 'db', 'etcd', 'member')));
    await stopGracefully(server);

    // The next start runs on etcd and copies nothing again.
    server = await startEmbedded(dataDir, ['--cluster-init', '--secrets-encryption', ...ports], track);
    assert.doesNotMatch(server.log(), /migrating \d+ keys|migrated \d+ keys/);
    assert.ok((await objects()).has('configmaps/on-etcd'));
    await stopGracefully(server);
  });
});
