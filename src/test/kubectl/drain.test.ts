// kubectl cordon / uncordon / drain / delete node with the real kubectl on three sim nodes: the
// unschedulable taint and the scheduler, drain's refusals and flags (--ignore-daemonsets, --force,
// --delete-emptydir-data, --pod-selector, --dry-run=server, --disable-eviction, --grace-period,
// --timeout), a PodDisruptionBudget holding an eviction until a replacement is Ready elsewhere,
// and a deleted node's pods and lease collected, the node back only when its agent restarts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient, type WatchHandle } from '../../client/rest.js';
import { startSimAgent, type SimAgent, type SimAgentOptions } from '../../kubelet/sim/agent.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

interface PodView {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string; deletionGracePeriodSeconds?: number; ownerReferences?: { kind: string }[] };
  spec: { nodeName?: string; tolerations?: { key?: string; operator?: string; effect?: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

const SIM: Partial<SimAgentOptions> = { leaseRenewIntervalMs: 500, nodeStatusReportMs: 1000 };

const deployment = (name: string, replicas: number, emptyDir = false) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: c, image: busybox${emptyDir ? ', volumeMounts: [{name: scratch, mountPath: /scratch}]' : ''}}]${emptyDir ? '\n      volumes: [{name: scratch, emptyDir: {}}]' : ''}
`;
const daemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: busybox}]
`;
const budget = (name: string, minAvailable: number) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ${name}}
spec:
  minAvailable: ${minAvailable}
  selector: {matchLabels: {app: ${name}}}
`;
const barePod = (name: string, node?: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
${node ? `  nodeName: ${node}\n` : ''}  containers: [{name: c, image: busybox}]
`;

describe('kubectl cordon, drain and delete node on sim nodes', () => {
  let c: TestCluster;
  let client: RestClient;
  let podWatch: WatchHandle | undefined;
  let restarted: SimAgent | undefined;
  /** What the pods' watch showed: DisruptionTarget reasons, grace periods, phases at deletion. */
  const disruption = new Map<string, string>();
  const grace = new Map<string, number>();
  const failedBeforeDeletion = new Set<string>();

  before(async () => {
    c = await startTestCluster({ simNodes: 3, simOptions: SIM, controlPlane: { podGc: { quarantineMs: 1000, periodMs: 500 } } });
    client = new RestClient(loadKubeconfig(c.kubeconfig));
    podWatch = client.watch<PodView>('/api/v1/namespaces/default/pods?watch=1', (ev) => {
      const p = ev.object;
      const name = p.metadata?.name;
      if (!name) return;
      const target = p.status?.conditions?.find((x) => x.type === 'DisruptionTarget' && x.status === 'True');
      if (target?.reason) disruption.set(name, target.reason);
      if (p.metadata.deletionTimestamp && p.metadata.deletionGracePeriodSeconds !== undefined && !grace.has(name)) grace.set(name, p.metadata.deletionGracePeriodSeconds);
      if (p.status?.phase === 'Failed') failedBeforeDeletion.add(name);
    });
  });
  after(async () => {
    podWatch?.stop();
    client?.close();
    await restarted?.stop();
    await c?.stop();
  });

  const kubectl = (args: string[], input?: string) => c.kubectl(args, { input, timeoutMs: 120_000 });
  const ok = async (args: string[], input?: string) => {
    const r = await kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const pods = async (selector = ''): Promise<PodView[]> => (await c.http('GET', `/api/v1/namespaces/default/pods${selector ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`)).json().items;
  const isReady = (p: PodView) => !p.metadata.deletionTimestamp && !!p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
  /** Waits for `n` ready pods of the selector, all on one of `nodes`; resolves to them. */
  const readyOn = (selector: string, n: number, nodes: string[]) =>
    eventually(async () => {
      const all = (await pods(selector)).filter((p) => !p.metadata.deletionTimestamp);
      return all.length === n && all.every((p) => isReady(p) && nodes.includes(p.spec.nodeName ?? '')) && all;
    }, 30_000);
  const node = async (name: string) => (await c.http('GET', `/api/v1/nodes/${name}`)).json() as { metadata: { uid: string }; spec: { unschedulable?: boolean; taints?: { key: string; effect: string }[] } };
  const names = (ps: PodView[]) => ps.map((p) => p.metadata.name).sort();
  const budgetStatus = async (name: string) => (await c.http('GET', `/apis/policy/v1/namespaces/default/poddisruptionbudgets/${name}`)).json().status;

  it('cordon taints the node unschedulable, keeps new pods off it but daemon pods, and uncordon undoes it', async () => {
    assert.equal((await ok(['cordon', 'sim-2'])).stdout, 'node/sim-2 cordoned\n');
    assert.equal((await ok(['cordon', 'sim-2'])).stdout, 'node/sim-2 already cordoned\n');
    await eventually(async () => {
      const n = await node('sim-2');
      return n.spec.unschedulable === true && n.spec.taints?.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule');
    });
    assert.match((await ok(['get', 'nodes', 'sim-2', '--no-headers'])).stdout, /^sim-2\s+Ready,SchedulingDisabled\s/);

    await ok(['apply', '-f', '-'], deployment('spread', 6) + '---\n' + daemonSet);
    await readyOn('app=spread', 6, ['sim-0', 'sim-1']);
    const [daemon] = await readyOn('app=agent', 3, ['sim-0', 'sim-1', 'sim-2']).then((ps) => ps.filter((p) => p.spec.nodeName === 'sim-2'));
    assert.ok(daemon?.spec.tolerations?.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.operator === 'Exists' && t.effect === 'NoSchedule'));

    assert.equal((await ok(['uncordon', 'sim-2'])).stdout, 'node/sim-2 uncordoned\n');
    assert.equal((await ok(['uncordon', 'sim-2'])).stdout, 'node/sim-2 already uncordoned\n');
    await eventually(async () => {
      const n = await node('sim-2');
      return n.spec.unschedulable === undefined && n.spec.taints === undefined;
    });
    assert.match((await ok(['get', 'nodes', 'sim-2', '--no-headers'])).stdout, /^sim-2\s+Ready\s/);
    await ok(['scale', 'deployment/spread', '--replicas=9']);
    const spread = await readyOn('app=spread', 9, ['sim-0', 'sim-1', 'sim-2']);
    assert.ok(spread.some((p) => p.spec.nodeName === 'sim-2'), 'the uncordoned node takes pods again');
    await ok(['delete', 'deployment', 'spread']);
  });

  it('leaves a pod Pending when every node is cordoned, with the scheduler saying why', async () => {
    await ok(['cordon', 'sim-0', 'sim-1', 'sim-2']);
    await ok(['apply', '-f', '-'], barePod('waiting'));
    const message = await eventually(async () => {
      const [p] = await pods('app=waiting');
      const cond = p?.status?.conditions?.find((x) => x.type === 'PodScheduled');
      return cond?.status === 'False' && cond.reason === 'Unschedulable' && cond.message;
    });
    assert.match(message, /^0\/3 nodes are available: 3 node\(s\) were unschedulable\./);
    await ok(['uncordon', 'sim-0', 'sim-1', 'sim-2']);
    await readyOn('app=waiting', 1, ['sim-0', 'sim-1', 'sim-2']);
    await ok(['delete', 'pod', 'waiting', '--wait=true']);
  });

  let daemonOn0 = '';
  let cacheOn0 = '';

  it("refuses daemon, unmanaged and emptyDir pods with kubectl's messages, having cordoned the node", async () => {
    // Everything lands on sim-0 while the others are cordoned.
    await ok(['cordon', 'sim-1', 'sim-2']);
    await ok(['apply', '-f', '-'], [deployment('web', 3), budget('web', 2), deployment('cache', 1, true), barePod('bare')].join('---\n'));
    await readyOn('app=web', 3, ['sim-0']);
    cacheOn0 = names(await readyOn('app=cache', 1, ['sim-0']))[0]!;
    await readyOn('app=bare', 1, ['sim-0']);
    daemonOn0 = (await pods('app=agent')).find((p) => p.spec.nodeName === 'sim-0')!.metadata.name;
    await eventually(async () => (await budgetStatus('web'))?.disruptionsAllowed === 1);

    const plain = await kubectl(['drain', 'sim-0', '--timeout=20s']);
    assert.equal(plain.code, 1);
    assert.equal(plain.stdout, 'node/sim-0 cordoned\n');
    // kubectl aggregates the refusals from a Go map: their order varies from run to run.
    const refusal = /^error: unable to drain node "sim-0" due to error: \[(.*)\], continuing command\.\.\.$/m.exec(plain.stderr);
    assert.ok(refusal, plain.stderr);
    assert.deepEqual(refusal[1]!.split(', ').sort(), [
      `cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/${daemonOn0}`,
      'cannot delete cannot delete Pods that declare no controller (use --force to override): default/bare',
      `cannot delete Pods with local storage (use --delete-emptydir-data to override): default/${cacheOn0}`,
    ].sort());
    assert.ok(plain.stderr.includes('There are pending nodes to be drained:\n sim-0\n'), plain.stderr);
    assert.equal((await node('sim-0')).spec.unschedulable, true);

    const noForce = await kubectl(['drain', 'sim-0', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=20s']);
    assert.equal(noForce.code, 1);
    assert.equal(noForce.stdout, 'node/sim-0 already cordoned\n');
    assert.ok(noForce.stderr.includes('error: unable to drain node "sim-0" due to error: cannot delete cannot delete Pods that declare no controller (use --force to override): default/bare, continuing command...'), noForce.stderr);
    assert.equal((await pods()).filter((p) => p.spec.nodeName === 'sim-0' && !p.metadata.deletionTimestamp).length, 6, 'nothing was evicted');
  });

  it('--dry-run=server evicts nothing and spends no disruption', async () => {
    const before = names((await pods()).filter((p) => p.spec.nodeName === 'sim-0'));
    const r = await ok(['drain', 'sim-0', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--dry-run=server']);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'node/sim-0 already cordoned (server dry run)');
    assert.equal(lines.at(-1), 'node/sim-0 drained (server dry run)');
    const evicting = before.filter((n) => n !== daemonOn0).map((n) => `evicting pod default/${n} (server dry run)`);
    assert.deepEqual(lines.slice(1, -1).sort(), evicting.sort());
    // One warning line whose parts come from a Go map, in any order.
    const warning = /^Warning: (.*)\n$/.exec(r.stderr);
    assert.ok(warning, r.stderr);
    assert.deepEqual(warning[1]!.split('; ').sort(), [`deleting Pods that declare no controller: default/bare`, `ignoring DaemonSet-managed Pods: default/${daemonOn0}`]);
    const now = (await pods()).filter((p) => p.spec.nodeName === 'sim-0');
    assert.deepEqual(names(now), before);
    assert.ok(now.every((p) => !p.metadata.deletionTimestamp && !disruption.has(p.metadata.name)));
    assert.equal((await budgetStatus('web')).disruptionsAllowed, 1);
  });

  it('--pod-selector evicts only the pods it selects', async () => {
    const r = await ok(['drain', 'sim-0', '--pod-selector', 'app=cache', '--delete-emptydir-data']);
    assert.equal(r.stdout, `node/sim-0 already cordoned\nevicting pod default/${cacheOn0}\npod/${cacheOn0} evicted\nnode/sim-0 drained\n`);
    assert.equal(disruption.get(cacheOn0), 'EvictionByEvictionAPI');
    // Its replacement has nowhere to go while every other node is cordoned.
    const [replacement] = await eventually(async () => {
      const ps = (await pods('app=cache')).filter((p) => p.metadata.name !== cacheOn0);
      return ps.length === 1 && ps;
    });
    assert.equal(replacement!.spec.nodeName, undefined);
    await readyOn('app=web', 3, ['sim-0']);
    await readyOn('app=bare', 1, ['sim-0']);
  });

  it('retries an eviction the budget refuses (429) until --timeout', async () => {
    const web = names(await pods('app=web'));
    const r = await kubectl(['drain', 'sim-0', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=12s']);
    assert.equal(r.code, 1, r.stderr);
    const evicted = web.filter((n) => r.stdout.includes(`pod/${n} evicted\n`));
    assert.equal(evicted.length, 1, `one web pod goes, the budget keeps the others: ${r.stdout}`);
    assert.ok(r.stdout.includes('pod/bare evicted\n'), r.stdout);
    const held = web.filter((n) => !evicted.includes(n));
    for (const n of held) {
      assert.ok(r.stderr.includes(`error when evicting pods/"${n}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n`), r.stderr);
      assert.ok(r.stderr.includes(`error when evicting pods/"${n}" -n "default": global timeout reached: 12s`), r.stderr);
    }
    assert.equal(disruption.get(evicted[0]!), 'EvictionByEvictionAPI');
    assert.deepEqual(names((await pods('app=web')).filter((p) => p.spec.nodeName === 'sim-0' && !p.metadata.deletionTimestamp)), held);

    // What kubectl was told, asked directly.
    const direct = await c.http('POST', `/api/v1/namespaces/default/pods/${held[0]}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: held[0], namespace: 'default' } });
    assert.equal(direct.status, 429, direct.body);
    assert.deepEqual(
      { reason: direct.json().reason, message: direct.json().message, causes: direct.json().details.causes },
      { reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget.", causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
    );
  });

  it('drains once the replacements are Ready on another node, with the grace period asked', async () => {
    const held = names((await pods('app=web')).filter((p) => p.spec.nodeName === 'sim-0'));
    await ok(['uncordon', 'sim-1']);
    const r = await ok(['drain', 'sim-0', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--grace-period=5', '--timeout=90s']);
    assert.ok(r.stdout.endsWith('node/sim-0 drained\n'), r.stdout);
    for (const n of held) {
      assert.ok(r.stdout.includes(`pod/${n} evicted\n`), r.stdout);
      assert.equal(grace.get(n), 5);
    }
    await readyOn('app=web', 3, ['sim-1']);
    await readyOn('app=cache', 1, ['sim-1']);
    assert.deepEqual(names((await pods()).filter((p) => p.spec.nodeName === 'sim-0')), [daemonOn0]);
    await eventually(async () => {
      const s = await budgetStatus('web');
      return s.currentHealthy === 3 && s.disruptionsAllowed === 1 && !Object.keys(s.disruptedPods ?? {}).length;
    }, 20_000);
  });

  it('--disable-eviction deletes, past a budget that would refuse every eviction', async () => {
    await ok(['uncordon', 'sim-0']);
    await ok(['cordon', 'sim-1']);
    await ok(['apply', '-f', '-'], [deployment('batch', 2), budget('batch', 2)].join('---\n'));
    const batch = names(await readyOn('app=batch', 2, ['sim-0']));
    await eventually(async () => (await budgetStatus('batch'))?.currentHealthy === 2);
    assert.equal((await budgetStatus('batch')).disruptionsAllowed, 0);
    await ok(['uncordon', 'sim-1']);
    const r = await ok(['drain', 'sim-0', '--ignore-daemonsets', '--disable-eviction', '--grace-period=3']);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['node/sim-0 cordoned', 'node/sim-0 drained', ...batch.map((n) => `pod/${n} deleted`)].sort());
    for (const n of batch) {
      assert.equal(grace.get(n), 3);
      assert.equal(disruption.get(n), undefined, 'deleted, not evicted');
    }
    await readyOn('app=batch', 2, ['sim-1', 'sim-2']);
  });

  it('delete node: its pods are collected by the pod GC, its lease goes, and it registers again only when the agent restarts', async () => {
    await ok(['apply', '-f', '-'], barePod('stranded', 'sim-2'));
    await readyOn('app=stranded', 1, ['sim-2']);
    const daemon = (await pods('app=agent')).find((p) => p.spec.nodeName === 'sim-2')!.metadata.name;
    const oldUid = (await node('sim-2')).metadata.uid;

    assert.equal((await ok(['delete', 'node', 'sim-2'])).stdout, 'node "sim-2" deleted\n');
    await eventually(async () => !(await pods()).some((p) => p.spec.nodeName === 'sim-2'), 30_000);
    for (const n of ['stranded', daemon]) {
      assert.equal(disruption.get(n), 'DeletionByPodGC', n);
      assert.ok(failedBeforeDeletion.has(n), `${n} was marked Failed before its deletion`);
    }
    const leasePath = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/sim-2';
    await eventually(async () => (await c.http('GET', leasePath)).status === 404, 20_000);
    // The agent keeps running: several heartbeat periods later neither the node nor its lease is back.
    await new Promise((r) => setTimeout(r, 3000));
    const gone = await kubectl(['get', 'node', 'sim-2']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, 'Error from server (NotFound): nodes "sim-2" not found\n');
    assert.equal((await c.http('GET', leasePath)).status, 404);
    assert.match((await ok(['get', 'daemonset', 'agent', '--no-headers'])).stdout, /^agent\s+2\s+2\s/);

    // An agent restart registers the node afresh: a new object, a lease it owns, its daemon pod back.
    await c.sim!.stop();
    restarted = await startSimAgent({ ...SIM, client: loadKubeconfig(c.kubeconfig), nodes: 3 });
    const again = await eventually(async () => {
      const r = await c.http('GET', '/api/v1/nodes/sim-2');
      return r.status === 200 && (r.json() as { metadata: { uid: string } });
    }, 20_000);
    assert.notEqual(again.metadata.uid, oldUid);
    assert.match((await ok(['get', 'node', 'sim-2', '--no-headers'])).stdout, /^sim-2\s+Ready\s/);
    const lease = await eventually(async () => {
      const r = await c.http('GET', leasePath);
      return r.status === 200 && (r.json() as { metadata: { ownerReferences?: { uid: string }[] } });
    }, 20_000);
    assert.deepEqual(lease.metadata.ownerReferences?.map((o) => o.uid), [again.metadata.uid]);
    await readyOn('app=agent', 3, ['sim-0', 'sim-1', 'sim-2']);
  });
});
