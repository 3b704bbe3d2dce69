// Simulated nodes against an in-process cluster, driven with the real kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Lease } from '../../api/coordination/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { R, resourcePath } from '../../client/resources.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { startSimAgent } from './agent.js';

function pod(name: string, opts: { node?: string; annotations?: Record<string, string>; restartPolicy?: string; init?: boolean; schedulerName?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations: opts.annotations ?? {} },
    spec: {
      ...(opts.node ? { nodeName: opts.node } : {}),
      ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
      ...(opts.schedulerName ? { schedulerName: opts.schedulerName } : {}),
      ...(opts.init ? { initContainers: [{ name: 'setup', image: 'busybox' }] } : {}),
      containers: [{ name: 'main', image: 'nginx:1.27' }],
      terminationGracePeriodSeconds: 5,
    },
  };
}

/** kubectl get pod <name> columns: NAME READY STATUS RESTARTS AGE [IP NODE …]. */
async function podRow(c: TestCluster, name: string, wide = false): Promise<string[]> {
  const r = await c.kubectl(['get', 'pod', name, '--no-headers', ...(wide ? ['-o', 'wide'] : [])]);
  return r.stdout.trim().split(/\s+/);
}

describe('sim agent', () => {
  let c: TestCluster;
  let client: RestClient;
  before(async () => {
    c = await startTestCluster({
      simNodes: 2,
      simOptions: { crashLoopBaseMs: 400, crashLoopMaxMs: 3000, leaseRenewIntervalMs: 300, nodeStatusReportMs: 5000, stopDelayMs: 50 },
    });
    client = new RestClient(loadKubeconfig(c.kubeconfig));
  });
  after(async () => {
    client?.close();
    await c?.stop();
  });

  it('registers its nodes Ready, with capacity, addresses and node info', async () => {
    const r = await c.kubectl(['get', 'nodes', '--no-headers']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => l.split(/\s+/));
    assert.deepEqual(rows.map((x) => [x[0], x[1], x[4]]), [
      ['sim-0', 'Ready', 'v1.32.0+k8ts'],
      ['sim-1', 'Ready', 'v1.32.0+k8ts'],
    ]);
    const node = await client.get<Node>(resourcePath(R.nodes, undefined, 'sim-1'));
    assert.equal(node.status?.capacity?.['cpu'], '8');
    assert.equal(node.status?.capacity?.['memory'], '32Gi');
    assert.equal(node.status?.allocatable?.['pods'], '110');
    assert.ok(node.status?.capacity?.['ephemeral-storage']);
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], 'sim-1');
    assert.equal(node.metadata.labels?.['node.kubernetes.io/instance-type'], 'sim');
    assert.equal(node.spec?.podCIDR, '10.244.1.0/24');
    assert.deepEqual(node.status?.addresses, [
      { type: 'InternalIP', address: '172.30.0.2' },
      { type: 'Hostname', address: 'sim-1' },
    ]);
    assert.equal(node.status?.nodeInfo?.['containerRuntimeVersion'], 'sim://1');
    const ready = node.status?.conditions?.find((x) => x.type === 'Ready');
    assert.equal(ready?.reason, 'KubeletReady');
    assert.equal(ready?.message, 'kubelet is posting ready status');
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(node.status?.conditions?.find((x) => x.type === t)?.status, 'False');
    const lease = await client.get<Lease>(resourcePath(R.leases, 'kube-node-lease', 'sim-0'));
    assert.equal(lease.spec?.holderIdentity, 'sim-0');
    assert.equal(lease.metadata.ownerReferences?.[0]?.kind, 'Node');
  });

  it('runs a pod bound through pods/binding: Running 1/1 with an IP from the node CIDR', async () => {
    // A scheduler no one runs: the binding below is the only one.
    await client.create(resourcePath(R.pods, 'default'), pod('web', { schedulerName: 'test-binder' }));
    await client.create(resourcePath(R.pods, 'default', 'web', 'binding'), { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'sim-0' } });
    const row = (await eventually(async () => {
      const r = await podRow(c, 'web', true);
      return r[1] === '1/1' && r[2] === 'Running' ? r : undefined;
    }))!;
    assert.match(row[5]!, /^10\.244\.0\.\d+$/);
    assert.equal(row[6], 'sim-0');
    const p = await client.get<Pod>(resourcePath(R.pods, 'default', 'web'));
    const st = p.status!;
    assert.equal(st.hostIP, '172.30.0.1');
    assert.ok(st.startTime);
    assert.equal(st.qosClass, 'BestEffort');
    const conds = Object.fromEntries((st.conditions ?? []).map((x) => [x.type, x.status]));
    assert.deepEqual(conds, { PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
    // Ready went False -> True: the earlier reason must not linger.
    assert.equal(st.conditions?.find((x) => x.type === 'Ready')?.reason, undefined);
    const cs = st.containerStatuses![0]!;
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.image, 'nginx:1.27');
    assert.match(cs.imageID, /^sim:\/\/sha256:[0-9a-f]{64}$/);
    assert.match(cs.containerID!, /^sim:\/\/[0-9a-f]{64}$/);
    assert.ok(cs.state?.running?.startedAt);
  });

  it('completes init containers before the main container', async () => {
    await client.create(resourcePath(R.pods, 'default'), pod('with-init', { node: 'sim-1', init: true }));
    await eventually(async () => (await podRow(c, 'with-init'))[2] === 'Running');
    const p = await client.get<Pod>(resourcePath(R.pods, 'default', 'with-init'));
    const init = p.status!.initContainerStatuses![0]!;
    assert.equal(init.state?.terminated?.reason, 'Completed');
    assert.equal(init.state?.terminated?.exitCode, 0);
    assert.match(p.status!.podIP!, /^10\.244\.1\.\d+$/);
  });

  it('ends run-seconds pods Completed or Error as the restart policy says', async () => {
    const ann = (code: string) => ({ 'sim.k8ts.io/run-seconds': '0.3', 'sim.k8ts.io/exit-code': code });
    await client.create(resourcePath(R.pods, 'default'), pod('ok-never', { node: 'sim-0', restartPolicy: 'Never', annotations: ann('0') }));
    await client.create(resourcePath(R.pods, 'default'), pod('fail-never', { node: 'sim-0', restartPolicy: 'Never', annotations: ann('1') }));
    await client.create(resourcePath(R.pods, 'default'), pod('ok-onfailure', { node: 'sim-1', restartPolicy: 'OnFailure', annotations: ann('0') }));
    await eventually(async () => (await podRow(c, 'ok-never'))[2] === 'Completed');
    await eventually(async () => (await podRow(c, 'fail-never'))[2] === 'Error');
    await eventually(async () => (await podRow(c, 'ok-onfailure'))[2] === 'Completed');
    const ok = await client.get<Pod>(resourcePath(R.pods, 'default', 'ok-never'));
    assert.equal(ok.status?.phase, 'Succeeded');
    assert.equal(ok.status?.conditions?.find((x) => x.type === 'Ready')?.reason, 'PodCompleted');
    const failed = await client.get<Pod>(resourcePath(R.pods, 'default', 'fail-never'));
    assert.equal(failed.status?.phase, 'Failed');
    const t = failed.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(t?.exitCode, 1);
    assert.equal(t?.reason, 'Error');
    assert.equal(failed.status?.containerStatuses?.[0]?.restartCount, 0);
  });

  it('restarts a crashing Always pod with rising restarts and CrashLoopBackOff', async () => {
    await client.create(resourcePath(R.pods, 'default'), pod('crasher', { node: 'sim-1', annotations: { 'sim.k8ts.io/run-seconds': '0.1', 'sim.k8ts.io/exit-code': '2' } }));
    const seen = new Set<string>();
    const row = (await eventually(
      async () => {
        const r = await podRow(c, 'crasher');
        seen.add(r[2]!);
        return Number(r[3]) >= 3 && seen.has('CrashLoopBackOff') ? r : undefined;
      },
      20_000,
    ))!;
    assert.ok(Number(row[3]) >= 3);
    const p = await client.get<Pod>(resourcePath(R.pods, 'default', 'crasher'));
    assert.equal(p.status?.phase, 'Running');
    const cs = p.status!.containerStatuses![0]!;
    assert.ok(cs.lastState?.terminated, JSON.stringify(cs));
    assert.equal(cs.lastState.terminated.exitCode, 2);
    const backoff = (await eventually(async () => {
      const q = await client.get<Pod>(resourcePath(R.pods, 'default', 'crasher'));
      return q.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? q.status.containerStatuses[0]!.state!.waiting! : undefined;
    }, 15_000, 20))!;
    assert.match(backoff.message!, /^back-off \d+(\.\d+)?m?s restarting failed container=main pod=crasher_default\(/);
  });

  it('kubectl set image restarts the container with the new image; kubectl label restarts nothing', async () => {
    await client.create(resourcePath(R.pods, 'default'), pod('retag', { node: 'sim-0' }));
    const status = async () => (await client.get<Pod>(resourcePath(R.pods, 'default', 'retag'))).status?.containerStatuses?.[0];
    const first = (await eventually(async () => {
      const s = await status();
      return s?.state?.running ? s : undefined;
    }))!;
    let r = await c.kubectl(['label', 'pod', 'retag', 'tier=web']);
    assert.equal(r.code, 0, r.stderr);
    r = await c.kubectl(['set', 'image', 'pod/retag', 'main=nginx:1.28']);
    assert.equal(r.code, 0, r.stderr);
    const next = (await eventually(async () => {
      const s = await status();
      return s?.state?.running && s.containerID !== first.containerID ? s : undefined;
    }))!;
    // The label came first and restarted nothing: the one restart is the image's.
    assert.equal(next.restartCount, 1);
    assert.equal(next.image, 'nginx:1.28');
    assert.notEqual(next.imageID, first.imageID);
    assert.equal(next.lastState?.terminated?.containerID, first.containerID);
    const events = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=retag,reason=Killing', '-o', 'jsonpath={.items[*].message}']);
    assert.equal(events.stdout, 'Container main definition changed, will be restarted');
  });

  it('keeps a never-ready pod Running 0/1', async () => {
    await client.create(resourcePath(R.pods, 'default'), pod('lazy', { node: 'sim-0', annotations: { 'sim.k8ts.io/never-ready': 'true' } }));
    await eventually(async () => (await podRow(c, 'lazy'))[2] === 'Running');
    for (let i = 0; i < 3; i++) {
      const r = await podRow(c, 'lazy');
      assert.deepEqual([r[1], r[2]], ['0/1', 'Running']);
      await new Promise((res) => setTimeout(res, 200));
    }
    const p = await client.get<Pod>(resourcePath(R.pods, 'default', 'lazy'));
    const ready = p.status?.conditions?.find((x) => x.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'ContainersNotReady');
    assert.equal(ready?.message, 'containers with unready status: [main]');
  });

  it('shows ContainerCreating during a start delay, then Running', async () => {
    await client.create(resourcePath(R.pods, 'default'), pod('slow', { node: 'sim-1', annotations: { 'sim.k8ts.io/start-delay-ms': '1500' } }));
    await eventually(async () => (await podRow(c, 'slow'))[2] === 'ContainerCreating', 5000, 20);
    await eventually(async () => (await podRow(c, 'slow'))[2] === 'Running', 10_000);
  });

  it('stops and removes a deleted running pod and its sandbox', async () => {
    await client.create(resourcePath(R.pods, 'default'), pod('doomed', { node: 'sim-0' }));
    await eventually(async () => (await podRow(c, 'doomed'))[2] === 'Running');
    const rt = c.sim!.runtimeOf('sim-0')!;
    const sandboxes = async () => (await rt.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.name': 'doomed' } })).length;
    assert.equal(await sandboxes(), 1);
    const before = rt.containerCount();
    const r = await c.kubectl(['delete', 'pod', 'doomed', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    const gone = await c.kubectl(['get', 'pod', 'doomed']);
    assert.match(gone.stderr, /NotFound/);
    await eventually(async () => rt.containerCount() === before - 1 && (await sandboxes()) === 0);
  });

  it('a pod deleted while its containers are being started does not start the rest', async () => {
    const body = pod('starting', { node: 'sim-1', annotations: { 'sim.k8ts.io/start-delay-ms': '1500' } });
    body.spec.containers = ['one', 'two', 'three'].map((name) => ({ name, image: 'nginx:1.27' }));
    await client.create(resourcePath(R.pods, 'default'), body);
    const messages = async () => (await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=starting', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'])).stdout;
    // The first container is up; the second is being created (1.5 s each, one after another).
    // (The pod's status is not rewritten mid-sequence, so the kubelet's events tell.)
    await eventually(async () => (await messages()).includes('Started container one'), 10_000, 20);
    const r = await c.kubectl(['delete', 'pod', 'starting', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    const events = { stdout: await messages() };
    assert.match(events.stdout, /Created container: one/);
    assert.doesNotMatch(events.stdout, /Created container: three/);
  });

  it('stopping an agent stops its leases from being renewed', async () => {
    const agent = await startSimAgent({ client: loadKubeconfig(c.kubeconfig), nodes: 1, prefix: 'extra-', firstIndex: 7, leaseRenewIntervalMs: 100 });
    const renewTime = async () => (await client.get<Lease>(resourcePath(R.leases, 'kube-node-lease', 'extra-7'))).spec!.renewTime!;
    const first = await renewTime();
    await eventually(async () => (await renewTime()) !== first, 5000);
    await agent.stop();
    await new Promise((res) => setTimeout(res, 200));
    const frozen = await renewTime();
    await new Promise((res) => setTimeout(res, 600));
    assert.equal(await renewTime(), frozen);
    // The other agent's nodes keep heartbeating.
    const other = (await client.get<Lease>(resourcePath(R.leases, 'kube-node-lease', 'sim-0'))).spec!.renewTime!;
    await eventually(async () => (await client.get<Lease>(resourcePath(R.leases, 'kube-node-lease', 'sim-0'))).spec!.renewTime !== other, 5000);
  });
});
