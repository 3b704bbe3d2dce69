// Issue 12, acceptance 4: three servers on a three-member embedded etcd, each in a network
// namespace of its own, with workloads on sim nodes whose agent joined one server with its token.
// `kill -9` of the leader while 50 clients create objects: every acknowledged create is readable
// through the survivors, a new leader holds the Lease within 15 s, the agent carries on through
// another server by itself, kubectl through a survivor keeps working, and the killed server
// rejoins when it starts again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderKubeconfig } from '../../cluster/kubeconfig.js';
import type { RestClient } from '../../client/rest.js';
import { eventually, runProcess } from '../harness.js';
import { startHaCluster, type HaCluster, type HaServer } from '../ha-harness.js';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../cli/main.js');
const NS = 'ha-load';

describe('three servers on embedded etcd: the leader killed with -9 under load', () => {
  let ha: HaCluster;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  const agentDir = mkdtempSync(join(tmpdir(), 'k8ts-ha-agent-'));
  const kubeconfigFor = (s: HaServer) => {
    const file = join(agentDir, `${s.name}.kubeconfig`);
    writeFileSync(file, renderKubeconfig({ server: s.url, caPem: ha.caPem, token: ha.adminToken }));
    return file;
  };
  const kubectl = (s: HaServer, args: string[]) => runProcess('kubectl', ['--kubeconfig', kubeconfigFor(s), ...args], { timeoutMs: 30_000 });
  const holder = async (c: RestClient, lease: string) => (await c.get<any>(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}`)).spec?.holderIdentity as string | undefined;
  const endpoints = async (c: RestClient) => ((await c.get<any>('/api/v1/namespaces/default/endpoints/kubernetes')).subsets?.[0]?.addresses ?? []).map((a: any) => a.ip).sort();

  before(async () => {
    ha = await startHaCluster({ servers: 3 });
    // The agent knows one server and the token; its load balancer learns the others.
    agent = spawn(process.execPath, [MAIN, 'agent', '--runtime', 'sim', '--server', ha.servers[0]!.url, '--token', ha.token, '--data-dir', agentDir, '--sim-nodes', '2', '--sim-node-prefix', 'ha-node-', '--sim-lease-renew-ms', '2000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stderr!.on('data', (d) => (agentLog = (agentLog + d).slice(-20_000)));
  });

  after(async () => {
    if (agent && agent.exitCode === null) {
      const gone = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGTERM');
      await gone;
    }
    await ha?.stop();
    rmSync(agentDir, { recursive: true, force: true });
  });

  it('every server serves and is an endpoint of the kubernetes Service; one holds each Lease', async () => {
    for (const s of ha.servers) {
      const c = ha.client(s);
      assert.deepEqual(await eventually(async () => {
        const ips = await endpoints(c);
        return ips.length === 3 ? ips : undefined;
      }, 45_000, 200), ha.servers.map((x) => x.ip).sort());
    }
    const c = ha.client(ha.servers[1]!);
    const ids = ha.servers.map((s) => s.identity());
    assert.ok(ids.includes((await holder(c, 'kube-controller-manager'))!));
    assert.ok(ids.includes((await holder(c, 'kube-scheduler'))!));
    const leases = await kubectl(ha.servers[2]!, ['get', 'lease', '-n', 'kube-system']);
    assert.equal(leases.code, 0, leases.stderr);
    assert.match(leases.stdout, /^kube-controller-manager\s+\S+_/m);
  });

  it('the servers share one front-proxy CA, the one extension API servers are told to trust', async () => {
    const cas = ha.servers.map((s) => readFileSync(join(s.dataDir, 'tls', 'request-header-ca.crt'), 'utf8'));
    assert.equal(new Set(cas).size, 1, 'a joining server took the cluster\'s front-proxy CA');
    const cm = await ha.client(ha.servers[2]!).get<{ data: Record<string, string> }>('/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
    assert.equal(cm.data['requestheader-client-ca-file']!.trim(), cas[0]!.trim());
  });

  it('runs workloads on the agent\'s nodes', async () => {
    const s = ha.servers[1]!;
    await eventually(async () => (await kubectl(s, ['get', 'nodes', '--no-headers'])).stdout.split('\n').filter((l) => /\sReady\s/.test(l)).length === 2, 30_000, 250);
    assert.equal((await kubectl(s, ['create', 'namespace', NS])).code, 0);
    const dep = await kubectl(s, ['create', 'deployment', 'web', '--image=busybox', '--replicas=4', '-n', NS, '--', 'sleep', '3600']);
    assert.equal(dep.code, 0, dep.stderr);
    const rollout = await kubectl(s, ['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=60s']);
    assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
  });

  it('kill -9 of the leader under 50 writing clients: nothing acknowledged lost, a new leader within 15 s, the agent and kubectl carry on, the server rejoins', async (t) => {
    const c0 = ha.client(ha.servers[1]!);
    const leaderId = (await holder(c0, 'kube-controller-manager'))!;
    const leader = ha.servers.find((s) => s.identity() === leaderId)!;
    const survivors = ha.servers.filter((s) => s !== leader);
    const clients = ha.servers.map((s) => ha.client(s));
    const acked = new Set<string>();
    let unknown = 0;
    let stopAt = Infinity;
    // 50 clients, each creating through the servers in turn; what each was told is recorded.
    const writers = Array.from({ length: 50 }, async (_, w) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const name = `cm-${w}-${i}`;
        try {
          await clients[(w + i) % clients.length]!.create(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { w: String(w), i: String(i) } });
          acked.add(name);
        } catch {
          unknown++;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 2000));
    const killedAt = Date.now();
    await leader.kill();
    const survivor = ha.client(survivors[0]!);
    const newLeader = await eventually(async () => {
      const h = await holder(survivor, 'kube-controller-manager').catch(() => undefined);
      return h && h !== leaderId ? h : undefined;
    }, 30_000, 100);
    const failoverMs = Date.now() - killedAt;
    assert.ok(survivors.map((s) => s.identity()).includes(newLeader!));
    stopAt = Date.now() + 3000;
    await Promise.all(writers);
    assert.ok(failoverMs <= 15_000, `a new leader after ${failoverMs} ms`);
    t.diagnostic(`new leader after ${failoverMs} ms; ${acked.size} creates acknowledged, ${unknown} failed or unknown`);
    assert.ok(acked.size > 200, `only ${acked.size} creates acknowledged (${unknown} failed)`);
    for (const s of survivors) {
      const items = (await ha.client(s).get<any>(`/api/v1/namespaces/${NS}/configmaps`)).items as any[];
      const have = new Set(items.map((i) => i.metadata.name));
      const lost = [...acked].filter((n) => !have.has(n));
      assert.deepEqual(lost, [], `lost through ${s.name}`);
    }
    // kubectl through a survivor keeps working; the new leader's controllers and scheduler act.
    const scale = await kubectl(survivors[1]!, ['scale', 'deployment/web', '-n', NS, '--replicas=6']);
    assert.equal(scale.code, 0, scale.stderr);
    const rollout = await kubectl(survivors[1]!, ['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=60s']);
    assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
    // The agent moved to a survivor by itself: its nodes' leases are renewed after the kill.
    await eventually(async () => {
      const lease = await survivor.get<any>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/ha-node-0');
      return Date.parse(lease.spec.renewTime) > killedAt + 3000;
    }, 30_000, 250).catch((err: Error) => assert.fail(`${err.message}; agent log: ${agentLog.slice(-3000)}`));
    const nodes = await kubectl(survivors[0]!, ['get', 'nodes', '--no-headers']);
    assert.equal(nodes.stdout.split('\n').filter((l) => /\sReady\s/.test(l)).length, 2, nodes.stdout);
    // The killed server rejoins on restart, from its own etcd member, and serves what was written meanwhile.
    await leader.start();
    const back = ha.client(leader);
    assert.deepEqual(await eventually(async () => {
      const ips = await endpoints(back);
      return ips.length === 3 ? ips : undefined;
    }, 30_000, 250), ha.servers.map((x) => x.ip).sort());
    const items = (await back.get<any>(`/api/v1/namespaces/${NS}/configmaps`)).items as any[];
    assert.equal(items.filter((i) => acked.has(i.metadata.name)).length, acked.size);
  });
});
