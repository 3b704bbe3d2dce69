// The scheduler inside a real in-process control plane: Node objects and pods created through the
// API, placements read back through the API, events and conditions as kubectl shows them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { ApiStatusError, RestClient } from '../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../test/harness.js';
import type { Event } from '../api/core/v1/types.js';
import type { Pod } from '../api/core/v1/pod/types.js';
import { makeNode, makePod, type NodeOptions, type PodOptions } from './testing/objects.js';

let c: TestCluster;
let client: RestClient;

before(async () => {
  c = await startTestCluster();
  client = new RestClient(loadKubeconfig(c.kubeconfig), 'scheduler-test');
});

after(async () => {
  client.close();
  await c.stop();
});

async function ns(name: string): Promise<string> {
  await client.create(resourcePath(R.namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

async function node(name: string, o: NodeOptions = {}): Promise<void> {
  await client.create(resourcePath(R.nodes), makeNode(name, o));
}

async function pod(namespace: string, name: string, o: PodOptions = {}): Promise<Pod> {
  const p = makePod(name, { ...o, namespace });
  delete p.metadata.uid;
  return client.create<Pod>(resourcePath(R.pods, namespace), p);
}

const getPod = (namespace: string, name: string) => client.get<Pod>(resourcePath(R.pods, namespace, name));

async function events(namespace: string, podName: string, reason: string): Promise<Event[]> {
  const list = await client.get<{ items: Event[] }>(`${resourcePath(R.events, namespace)}?fieldSelector=involvedObject.name=${podName}`);
  return list.items.filter((e) => e.reason === reason);
}

// Node names are unique per test: every test shares the cluster's nodes, so each selects its
// own with a label.
test('binds to the node the selector names and records Scheduled', async () => {
  const n = await ns('sel');
  await node('sel-a', { labels: { group: 'sel', disk: 'hdd' } });
  await node('sel-b', { labels: { group: 'sel', disk: 'ssd' } });
  await pod(n, 'web', { spec: { nodeSelector: { group: 'sel', disk: 'ssd' } } });
  const bound = await eventually(async () => (await getPod(n, 'web')).spec?.nodeName);
  assert.equal(bound, 'sel-b');
  const scheduled = await eventually(() => events(n, 'web', 'Scheduled').then((e) => e[0]));
  assert.equal(scheduled.message, `Successfully assigned ${n}/web to sel-b`);
  assert.equal(scheduled.source?.component, 'default-scheduler');
  const p = await getPod(n, 'web');
  assert.equal(p.status?.conditions?.find((x) => x.type === 'PodScheduled')?.status, 'True');
});

test('an unschedulable pod gets FailedScheduling with upstream wording, then binds when a node fits', async () => {
  const n = await ns('fail');
  // Every node of the cluster counts in the message, so this test's nodes are the only ones
  // its selector matches and the numbers below come from the other tests' nodes too.
  await node('fail-a', { labels: { group: 'fail-other' } });
  await node('fail-b', { cpu: '1', labels: { group: 'fail' } });
  await node('fail-c', { cpu: '1', labels: { group: 'fail' } });
  await pod(n, 'big', { cpu: '2', spec: { nodeSelector: { group: 'fail' } } });
  const ev = await eventually(() => events(n, 'big', 'FailedScheduling').then((e) => e[0]));
  const total = (await client.get<{ items: unknown[] }>(resourcePath(R.nodes))).items.length;
  assert.equal(ev.type, 'Warning');
  // Reasons are sorted as strings, counts included (upstream's sort.Strings).
  const filterPart = [`${total - 2} node(s) didn't match Pod's node affinity/selector`, '2 Insufficient cpu'].sort().join(', ');
  const preemptionPart = ['2 No preemption victims found for incoming pod', `${total - 2} Preemption is not helpful for scheduling`].sort().join(', ');
  assert.equal(ev.message, `0/${total} nodes are available: ${filterPart}. preemption: 0/${total} nodes are available: ${preemptionPart}.`);
  const cond = (await eventually(async () => (await getPod(n, 'big')).status?.conditions?.find((x) => x.type === 'PodScheduled')))!;
  assert.equal(cond.status, 'False');
  assert.equal(cond.reason, 'Unschedulable');
  assert.equal(cond.message, ev.message);
  // kubectl describe shows the same event.
  const described = await c.kubectl(['describe', 'pod', 'big', '-n', n]);
  assert.match(described.stdout, /FailedScheduling .*default-scheduler\s+0\/\d+ nodes are available/);
  await node('fail-d', { cpu: '4', labels: { group: 'fail' } });
  assert.equal(await eventually(async () => (await getPod(n, 'big')).spec?.nodeName, 15_000), 'fail-d');
});

test('pods for another scheduler are left alone', async () => {
  const n = await ns('other');
  await node('other-a', { labels: { group: 'other' } });
  // Created first: by the time the later pod is bound, this one would have been handled too.
  await pod(n, 'theirs', { spec: { nodeSelector: { group: 'other' }, schedulerName: 'my-scheduler' } });
  await pod(n, 'mine', { spec: { nodeSelector: { group: 'other' } } });
  await eventually(async () => (await getPod(n, 'mine')).spec?.nodeName);
  const theirs = await getPod(n, 'theirs');
  assert.equal(theirs.spec?.nodeName, undefined);
  assert.equal(theirs.status?.conditions?.find((x) => x.type === 'PodScheduled'), undefined);
  assert.deepEqual(await events(n, 'theirs', 'FailedScheduling'), []);
});

test('taints, anti-affinity and resources decide placement end to end', async () => {
  const n = await ns('mix');
  await node('mix-tainted', { labels: { group: 'mix' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
  await node('mix-a', { labels: { group: 'mix' } });
  await node('mix-b', { labels: { group: 'mix' } });
  const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'spread' } } }] } } };
  await pod(n, 's1', { labels: { app: 'spread' }, spec: { nodeSelector: { group: 'mix' }, ...anti } });
  await pod(n, 's2', { labels: { app: 'spread' }, spec: { nodeSelector: { group: 'mix' }, ...anti } });
  const placed = await eventually(async () => {
    const a = (await getPod(n, 's1')).spec?.nodeName;
    const b = (await getPod(n, 's2')).spec?.nodeName;
    return a && b ? [a, b].sort() : undefined;
  });
  // Never the tainted node, never together.
  assert.deepEqual(placed, ['mix-a', 'mix-b']);
  await pod(n, 's3', { labels: { app: 'spread' }, spec: { nodeSelector: { group: 'mix' }, ...anti } });
  const ev = await eventually(() => events(n, 's3', 'FailedScheduling').then((e) => e[0]));
  assert.match(ev.message!, /2 node\(s\) didn't match pod anti-affinity rules/);
  assert.match(ev.message!, /1 node\(s\) had untolerated taint \{dedicated: db\}/);
  // The toleration opens the tainted node.
  await pod(n, 'tolerant', { labels: { app: 'spread' }, spec: { nodeSelector: { group: 'mix' }, tolerations: [{ key: 'dedicated', operator: 'Exists' }], ...anti } });
  assert.equal(await eventually(async () => (await getPod(n, 'tolerant')).spec?.nodeName), 'mix-tainted');
});

test('a higher-priority pod preempts a lower-priority one and takes its node', async () => {
  const n = await ns('preempt');
  await client.create(resourcePath(R.priorityclasses), { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 10 });
  await client.create(resourcePath(R.priorityclasses), { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
  await node('preempt-a', { cpu: '1', labels: { group: 'preempt' } });
  await pod(n, 'victim', { cpu: '800m', spec: { nodeSelector: { group: 'preempt' }, priorityClassName: 'low' } });
  await eventually(async () => (await getPod(n, 'victim')).spec?.nodeName);
  await pod(n, 'vip', { cpu: '800m', spec: { nodeSelector: { group: 'preempt' }, priorityClassName: 'high' } });
  // The victim is marked and deleted; with no kubelet to finish a graceful deletion, the test
  // plays the kubelet's part once the deletion has started.
  const marked = (await eventually(async () => {
    try {
      const v = await getPod(n, 'victim');
      return v.metadata.deletionTimestamp ? v : undefined;
    } catch (err) {
      if (err instanceof ApiStatusError && err.code === 404) return { gone: true } as unknown as Pod;
      throw err;
    }
  }))!;
  if (marked.metadata) {
    assert.equal(marked.status?.conditions?.find((x) => x.type === 'DisruptionTarget')?.reason, 'PreemptionByScheduler');
    await client.delete(resourcePath(R.pods, n, 'victim'), { gracePeriodSeconds: 0 });
  }
  const vip = (await eventually(async () => {
    const p = await getPod(n, 'vip');
    return p.spec?.nodeName ? p : undefined;
  }, 20_000))!;
  assert.equal(vip.spec?.nodeName, 'preempt-a');
  assert.equal(vip.status?.nominatedNodeName, 'preempt-a');
  const preempted = await eventually(() => events(n, 'victim', 'Preempted').then((e) => e[0]));
  assert.equal(preempted.message, `Preempted by pod ${vip.metadata.uid} on node preempt-a`);
});
