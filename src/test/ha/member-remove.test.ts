// Issue 12: a server taken out of a three-server cluster on embedded etcd loses its etcd member
// (`k8ts etcd member remove` on a server that stays): the two others keep serving on a
// two-member etcd, the removed server no longer starts on its old member, and it comes back as a
// new member once its db dir is wiped. A server that runs a node goes with `kubectl delete node`
// as in k3s: its Node carries its member's name and a finalizer, and the servers remove the member
// before the Node goes.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually, runProcess } from '../harness.js';
import { startHaCluster, type HaCluster, type HaServer } from '../ha-harness.js';
import { markNodeMember, MEMBER_ANNOTATION, MEMBER_FINALIZER } from '../../cluster/etcd/node-members.js';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../cli/main.js');
const NS = 'default';

describe('removing a server\'s etcd member (three servers on embedded etcd)', () => {
  let ha: HaCluster;
  /** `k8ts etcd member …` run on a server, in its network namespace, on its data dir. */
  const member = (s: HaServer, args: string[]) => runProcess('ip', ['netns', 'exec', s.netns, process.execPath, MAIN, 'etcd', 'member', ...args, '--data-dir', s.dataDir], { timeoutMs: 30_000 });
  const memberName = (s: HaServer) => readFileSync(join(s.dataDir, 'db', 'name'), 'utf8').trim();
  const rows = (out: string) => out.trim().split('\n').slice(1);

  before(async () => {
    ha = await startHaCluster({ servers: 3 });
  });
  after(async () => {
    await ha?.stop();
  });

  it('member list shows the three members through any server, marking its own', async () => {
    for (const s of ha.servers) {
      const r = await member(s, ['list']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ID\s+STATUS\s+NAME\s+PEER ADDRS\s+CLIENT ADDRS\s+IS LEARNER\s+THIS SERVER\n/);
      assert.equal(rows(r.stdout).length, 3, r.stdout);
      const own = rows(r.stdout).filter((l) => l.endsWith('*'));
      assert.equal(own.length, 1);
      assert.match(own[0]!, new RegExp(`\\sstarted\\s+${memberName(s)}\\s+https://${s.ip.replace(/\./g, '\\.')}:2380\\s`));
    }
  });

  it('a server removed from the cluster: its member goes, the two others keep quorum and serve', async () => {
    const [keep, other, gone] = ha.servers as [HaServer, HaServer, HaServer];
    await gone.kill();
    const refusedOwn = await member(keep, ['remove', memberName(keep)]);
    assert.equal(refusedOwn.code, 1);
    assert.match(refusedOwn.stderr, /is this server's own etcd member .*: remove it from another server/);
    const unknown = await member(keep, ['remove', 'no-such-server']);
    assert.match(unknown.stderr, /^error: no etcd member "no-such-server"; the members are /m);

    // By its address, as a user knows the server.
    const r = await member(keep, ['remove', gone.ip]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Member [0-9a-f]+ \\(${memberName(gone)}, https://${gone.ip.replace(/\./g, '\\.')}:2380\\) removed; 2 members left: `));
    for (const s of [keep, other]) {
      const list = await member(s, ['list']);
      assert.deepEqual(rows(list.stdout).map((l) => l.split(/\s+/)[2]).sort(), [memberName(keep), memberName(other)].sort());
    }
    // Two members of two: writes commit through either server.
    for (const [i, s] of [keep, other].entries()) {
      await ha.client(s).create(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `after-remove-${i}` }, data: { by: s.name } });
    }
    const seen = (await ha.client(other).get<any>(`/api/v1/namespaces/${NS}/configmaps`)).items.map((i: any) => i.metadata.name);
    assert.ok(seen.includes('after-remove-0') && seen.includes('after-remove-1'));
  });

  it('the removed server refuses to start on its old member; with its db dir wiped it rejoins as a new member', async () => {
    const [keep, , gone] = ha.servers as [HaServer, HaServer, HaServer];
    const oldName = memberName(gone);
    await assert.rejects(gone.start(), (err: Error) => {
      assert.match(err.message, new RegExp(`etcd member ${oldName} was removed from the cluster; to rejoin, remove ${join(gone.dataDir, 'db').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and start again with --server and --token`));
      return true;
    });
    rmSync(join(gone.dataDir, 'db'), { recursive: true, force: true });
    await gone.start();
    assert.notEqual(memberName(gone), oldName);
    const list = await eventually(async () => {
      const r = await member(keep, ['list']);
      return rows(r.stdout).length === 3 && rows(r.stdout).every((l) => /\sstarted\s/.test(l)) ? r.stdout : undefined;
    }, 30_000, 500);
    assert.match(list, new RegExp(`\\s${memberName(gone)}\\s+https://${gone.ip.replace(/\./g, '\\.')}:2380\\s`));
    const items = (await ha.client(gone).get<any>(`/api/v1/namespaces/${NS}/configmaps`)).items.map((i: any) => i.metadata.name);
    assert.ok(items.includes('after-remove-0') && items.includes('after-remove-1'), items.join(' '));
  });

  it('kubectl delete node of a server with a node removes its member before the Node goes (k3s\'s rule)', async () => {
    const [keep, other, gone] = ha.servers as [HaServer, HaServer, HaServer];
    const c = ha.client(keep);
    // The Node the server's agent registers, marked as `k8ts server` marks its own.
    await c.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'server-node-2' } });
    const lines: string[] = [];
    await markNodeMember(c, 'server-node-2', memberName(gone), (l) => lines.push(l));
    const marked = await c.get<any>('/api/v1/nodes/server-node-2');
    assert.equal(marked.metadata.annotations[MEMBER_ANNOTATION], memberName(gone));
    assert.deepEqual(marked.metadata.finalizers, [MEMBER_FINALIZER]);
    assert.match(lines.join('\n'), /marked with its etcd member/);

    const del = await runProcess('kubectl', ['--server', keep.url, '--certificate-authority', join(keep.dataDir, 'tls', 'server-ca.crt'), '--token', ha.adminToken, 'delete', 'node', 'server-node-2', '--wait=true', '--timeout=30s'], { timeoutMs: 40_000 });
    assert.equal(del.code, 0, del.stderr);
    await assert.rejects(c.get('/api/v1/nodes/server-node-2'), /not found/i);
    const list = await member(keep, ['list']);
    assert.deepEqual(rows(list.stdout).map((l) => l.split(/\s+/)[2]).sort(), [memberName(keep), memberName(other)].sort());
    const logs = readFileSync(keep.logFile, 'utf8') + readFileSync(other.logFile, 'utf8');
    assert.match(logs, new RegExp(`node server-node-2 deleted: its etcd member ${memberName(gone)} \\(https://[^)]+\\) removed; 2 members left`));
  });
});
