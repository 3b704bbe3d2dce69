// Issue 12: snapshots of the embedded etcd and restoring one, as k3s's etcd-snapshot and
// --cluster-reset do. Objects written, a snapshot saved, more written and some deleted, the
// server restored from the snapshot: exactly the snapshot's objects are served (to kubectl), with
// their uids. A damaged snapshot is refused before anything is touched; the same reset flags on a
// later start are refused; scheduled snapshots keep their retention; ls, delete and prune.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { killServer, type ServerProcess } from '../durability/server-process.js';
import { runProcess } from '../harness.js';
import { etcdPorts, k8ts, kubectl, serverRun, startEmbedded, stopGracefully } from './embedded-process.js';

const NS = 'snap';

describe('embedded etcd snapshots and --cluster-reset', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-snapshot-'));
  const servers: ServerProcess[] = [];
  const track = (s: ServerProcess) => servers.push(s);
  after(async () => {
    for (const s of servers) await killServer(s);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const ok = async (args: string[], input?: string) => {
    const r = await kubectl(dataDir, args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const configMaps = async () => {
    const list = JSON.parse(await ok(['get', 'configmaps', '-n', NS, '-o', 'json'])).items as any[];
    return new Map(list.filter((i) => i.metadata.name !== 'kube-root-ca.crt').map((i) => [i.metadata.name as string, i]));
  };
  let ports: string[];
  let server: ServerProcess;
  let snapshot = '';
  let before: Map<string, any>;

  it('save writes <name>-<node>-<unix time> with a verified sha256; ls shows it; scheduled ones keep their retention', async () => {
    ports = await etcdPorts();
    server = await startEmbedded(dataDir, ['--cluster-init', ...ports, '--etcd-snapshot-schedule-cron', '@every 2s', '--etcd-snapshot-retention', '2'], track);
    await ok(['create', 'namespace', NS]);
    for (let i = 0; i < 5; i++) await ok(['create', 'configmap', `keep-${i}`, '-n', NS, `--from-literal=i=${i}`]);
    before = await configMaps();
    const save = await k8ts(['etcd-snapshot', 'save', '--data-dir', dataDir, '--name', 'before']);
    assert.equal(save.code, 0, save.stderr);
    const m = /^Snapshot (before-\S+-(\d+)) saved: (\S+), [\d.]+ MiB \((\d+) bytes, sha256 verified\)/.exec(save.stdout);
    assert.ok(m, save.stdout);
    snapshot = m[3]!.replace(/,$/, '');
    assert.equal(snapshot, join(dataDir, 'db', 'snapshots', m[1]!));
    assert.ok(Math.abs(Number(m[2]) - Date.now() / 1000) < 60);
    assert.equal(readFileSync(snapshot).length, Number(m[4]));
    // The file is what etcdctl writes: etcdctl reads it, hash included.
    const status = await runProcess('etcdctl', ['snapshot', 'status', snapshot, '-w', 'json'], { env: { ...process.env, ETCDCTL_API: '3' } });
    assert.equal(status.code, 0, status.stderr);
    assert.ok(JSON.parse(status.stdout).totalKey > 10, status.stdout);
    const ls = await k8ts(['etcd-snapshot', 'ls', '--data-dir', dataDir]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^NAME\s+SIZE\s+CREATED\n/);
    assert.match(ls.stdout, new RegExp(`^${m[1]}\\s+${m[4]}\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`, 'm'));
    // @every 2s with retention 2: several taken, two kept.
    await new Promise((r) => setTimeout(r, 7000));
    const scheduled = readdirSync(join(dataDir, 'db', 'snapshots')).filter((n) => n.startsWith('etcd-snapshot-'));
    assert.equal(scheduled.length, 2, scheduled.join(' '));
    assert.match(server.log(), /scheduled snapshot etcd-snapshot-\S+ saved .*sha256 verified.*; pruned etcd-snapshot-/);
  });

  it('prune keeps the newest N of a name; delete removes one; bad names are one-line errors', async () => {
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 1100));
      const r = await k8ts(['etcd-snapshot', 'save', '--data-dir', dataDir]);
      assert.equal(r.code, 0, r.stderr);
      names.push(/^Snapshot (on-demand-\S+) saved/.exec(r.stdout)![1]!);
    }
    const prune = await k8ts(['etcd-snapshot', 'prune', '--data-dir', dataDir, '--snapshot-retention', '2']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /1 snapshot pruned/);
    const left = readdirSync(join(dataDir, 'db', 'snapshots'));
    assert.ok(!left.includes(names[0]!) && left.includes(names[1]!) && left.includes(names[2]!), left.join(' '));
    assert.ok(existsSync(snapshot), 'prune of on-demand leaves other names alone');
    const del = await k8ts(['etcd-snapshot', 'delete', '--data-dir', dataDir, names[1]!]);
    assert.equal(del.code, 0, del.stderr);
    assert.ok(!existsSync(join(dataDir, 'db', 'snapshots', names[1]!)));
    const missing = await k8ts(['etcd-snapshot', 'delete', '--data-dir', dataDir, 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: no snapshot "nope" in /m);
    const path = await k8ts(['etcd-snapshot', 'delete', '--data-dir', dataDir, '../state']);
    assert.match(path.stderr, /not a path/);
  });

  it('--cluster-reset-restore-path: exactly the snapshot\'s objects are served afterwards, with their uids', async () => {
    for (let i = 0; i < 3; i++) await ok(['create', 'configmap', `later-${i}`, '-n', NS, `--from-literal=i=${i}`]);
    await ok(['delete', 'configmap', 'keep-0', 'keep-1', '-n', NS]);
    await ok(['label', 'configmap', 'keep-2', '-n', NS, 'changed=after']);
    assert.deepEqual([...(await configMaps()).keys()].sort(), ['keep-2', 'keep-3', 'keep-4', 'later-0', 'later-1', 'later-2']);
    await stopGracefully(server);

    // A damaged snapshot is refused before the member is touched.
    const damaged = join(dataDir, 'damaged.db');
    copyFileSync(snapshot, damaged);
    const bytes = readFileSync(damaged);
    bytes[4096 + 100] = bytes[4096 + 100]! ^ 0xff;
    writeFileSync(damaged, bytes);
    const refused = await serverRun(dataDir, ['--cluster-reset', `--cluster-reset-restore-path=${damaged}`, ...ports]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /snapshot .*damaged\.db: its sha256 .* does not match .*: damaged/);
    assert.ok(!existsSync(join(dataDir, 'db', 'reset-flag')));
    assert.deepEqual(readdirSync(join(dataDir, 'db')).filter((n) => n.startsWith('etcd-old')), []);

    server = await startEmbedded(dataDir, ['--cluster-reset', `--cluster-reset-restore-path=${snapshot}`, ...ports], track);
    assert.match(server.log(), /cluster reset done: this server's member \S+ is the only one, with the data of .*; the data it had is kept in .*etcd-old-\d+\. Start this server without --cluster-reset .* remove its <data-dir>\/db/);
    const restored = await configMaps();
    assert.deepEqual([...restored.keys()].sort(), [...before.keys()].sort());
    for (const [name, cm] of before) {
      assert.equal(restored.get(name).metadata.uid, cm.metadata.uid, name);
      assert.deepEqual(restored.get(name).data, cm.data);
    }
    assert.equal(restored.get('keep-2').metadata.labels?.changed, undefined);
    // It serves and takes writes as ever.
    await ok(['create', 'configmap', 'after-restore', '-n', NS]);
    const members = await k8ts(['etcd', 'member', 'list', '--data-dir', dataDir]);
    assert.equal(members.code, 0, members.stderr);
    assert.equal(members.stdout.trim().split('\n').length, 2, members.stdout);
  });

  it('the same reset flags on the next start are refused; without them the restored cluster serves on', async () => {
    await stopGracefully(server);
    const again = await serverRun(dataDir, ['--cluster-reset', `--cluster-reset-restore-path=${snapshot}`, ...ports]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: this server's etcd was already reset at .*: start it without --cluster-reset/m);
    // No flags at all: a data dir with an etcd member runs on it (k3s's rule).
    server = await startEmbedded(dataDir, [...ports], track);
    assert.ok((await configMaps()).has('after-restore'));
    assert.ok(!existsSync(join(dataDir, 'db', 'reset-flag')));
  });

  it('--cluster-reset alone keeps the member\'s data', async () => {
    await stopGracefully(server);
    server = await startEmbedded(dataDir, ['--cluster-reset', ...ports], track);
    assert.match(server.log(), /resetting member \S+: it forgets its peers/);
    assert.ok((await configMaps()).has('after-restore'));
    await stopGracefully(server);
  });
});
