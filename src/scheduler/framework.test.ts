// Unit tests of the scheduling framework and plugins against a hand-built cache: each filter
// and score decides a placement, and failures produce upstream's message text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Framework, numFeasibleNodesToFind } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import { fitErrorMessage } from './fit-error.js';
import { CycleState } from './framework.js';
import { newPodInfo } from './pod-info.js';
import { defaultPlugins } from './plugins/index.js';
import { preempt } from './preemption.js';
import { podRequests } from './resources.js';
import { makeNode, makePod } from './testing/objects.js';
import type { Node } from '../api/core/v1/types.js';
import type { Pod } from '../api/core/v1/pod/types.js';

function setup(nodes: Node[], placed: Pod[] = []) {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  for (const p of placed) cache.addOrUpdatePod(newPodInfo(p));
  const { filters, scorers } = defaultPlugins();
  // A fixed "random" makes tie-breaking deterministic: the first of equals wins.
  const fw = new Framework(filters, scorers, 0, () => 0.99);
  const schedule = (pod: Pod) => {
    const pi = newPodInfo(pod);
    return fw.schedule(new CycleState(pi, cache, () => undefined), cache.nodeList(), (n) => n);
  };
  return { cache, fw, schedule };
}

test('pod requests: init containers by the max rule, sidecars summed, overhead added', () => {
  const pod = makePod('p', { cpu: '500m', memory: '100Mi' });
  pod.spec!.initContainers = [
    { name: 'init', image: 'x', resources: { requests: { cpu: '2', memory: '50Mi' } } },
    { name: 'sidecar', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
  ];
  pod.spec!.overhead = { cpu: '10m' };
  const r = podRequests(pod);
  // max(500m + 100m sidecar, 2000m init) + 10m overhead
  assert.equal(r.milliCPU, 2010);
  assert.equal(r.memory, 100 * 1024 * 1024);
  const nz = podRequests(makePod('q'), true);
  assert.equal(nz.milliCPU, 100);
  assert.equal(nz.memory, 200 * 1024 * 1024);
});

test('feasible nodes to find follows the adaptive percentage', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(100), 100);
  assert.equal(numFeasibleNodesToFind(1000), 420);
  assert.equal(numFeasibleNodesToFind(5000), 500);
  assert.equal(numFeasibleNodesToFind(10_000), 500);
  assert.equal(numFeasibleNodesToFind(1000, 100), 1000);
});

test('nodeSelector and required node affinity', () => {
  const { schedule } = setup([makeNode('a', { labels: { disk: 'hdd' } }), makeNode('b', { labels: { disk: 'ssd', zone: 'z1' } })]);
  assert.equal(schedule(makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } })).node, 'b');
  const aff = makePod('q', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }] } } } } });
  assert.equal(schedule(aff).node, 'a');
  const none = schedule(makePod('r', { spec: { nodeSelector: { disk: 'nvme' } } }));
  assert.equal(none.node, undefined);
  assert.equal(fitErrorMessage(none.diagnosis!), "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
});

test('taints need tolerations; PreferNoSchedule lowers the score', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
  const { schedule } = setup([makeNode('a', { taints: [taint] }), makeNode('b', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }), makeNode('c', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] })]);
  const r = schedule(makePod('p'));
  assert.notEqual(r.node, 'a');
  const tolerant = makePod('q', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } });
  // a has no PreferNoSchedule taint, so the tolerant pod prefers it.
  assert.equal(schedule(tolerant).node, 'a');
  const { schedule: only } = setup([makeNode('a', { taints: [taint] })]);
  assert.equal(fitErrorMessage(only(makePod('x')).diagnosis!), '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}.');
});

test('cordoned nodes are skipped unless the pod tolerates the unschedulable taint', () => {
  const { schedule } = setup([makeNode('a', { unschedulable: true })]);
  assert.equal(fitErrorMessage(schedule(makePod('p')).diagnosis!), '0/1 nodes are available: 1 node(s) were unschedulable.');
  const tol = makePod('q', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.equal(schedule(tol).node, 'a');
});

test('resources: requests must fit, least allocated wins, pod count and extended resources count', () => {
  const { schedule, cache } = setup([makeNode('small', { cpu: '1' }), makeNode('big', { cpu: '8' })]);
  assert.equal(schedule(makePod('p', { cpu: '2' })).node, 'big');
  // Both fit; the emptier node scores higher.
  assert.equal(schedule(makePod('q', { cpu: '100m' })).node, 'big');
  cache.assume(newPodInfo(makePod('hog', { cpu: '7900m' })), 'big');
  assert.equal(schedule(makePod('s', { cpu: '100m' })).node, 'small');
  const fail = schedule(makePod('t', { cpu: '3' }));
  assert.equal(fitErrorMessage(fail.diagnosis!), '0/2 nodes are available: 2 Insufficient cpu.');

  const { schedule: s2 } = setup([makeNode('gpu', { extra: { 'example.com/gpu': '1' } }), makeNode('plain')]);
  const gpuPod = makePod('g');
  gpuPod.spec!.containers[0]!.resources = { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '1' } };
  assert.equal(s2(gpuPod).node, 'gpu');
  const { schedule: s3 } = setup([makeNode('one', { pods: '1' })], [makePod('x', { nodeName: 'one' })]);
  assert.equal(fitErrorMessage(s3(makePod('y')).diagnosis!), '0/1 nodes are available: 1 Too many pods.');
});

test('host ports conflict per node', () => {
  const withPort = (name: string) => {
    const p = makePod(name);
    p.spec!.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080 }];
    return p;
  };
  const { schedule } = setup([makeNode('a'), makeNode('b')], [{ ...withPort('x'), spec: { ...withPort('x').spec!, nodeName: 'a' } }]);
  assert.equal(schedule(withPort('y')).node, 'b');
});

test('the failure message counts reasons per node and sorts them', () => {
  const { schedule } = setup([makeNode('a', { labels: { zone: 'x' } }), makeNode('b', { cpu: '1', labels: { zone: 'y' } }), makeNode('c', { cpu: '1', labels: { zone: 'y' } })]);
  const r = schedule(makePod('p', { cpu: '2', spec: { nodeSelector: { zone: 'y' } } }));
  assert.equal(fitErrorMessage(r.diagnosis!), "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.");
});

test('pod anti-affinity and affinity', () => {
  const web = (name: string, nodeName?: string) => makePod(name, { labels: { app: 'web' }, nodeName });
  const anti = (name: string) =>
    makePod(name, { labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } } } });
  const { schedule } = setup([makeNode('a'), makeNode('b')], [web('w1', 'a')]);
  assert.equal(schedule(anti('w2')).node, 'b');
  const { schedule: full } = setup([makeNode('a'), makeNode('b')], [web('w1', 'a'), web('w2', 'b')]);
  assert.equal(fitErrorMessage(full(anti('w3')).diagnosis!), "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.");
  // An existing pod's anti-affinity keeps matching pods away from its node.
  const { schedule: existing } = setup([makeNode('a'), makeNode('b')], [{ ...anti('guard'), spec: { ...anti('guard').spec!, nodeName: 'a' } }]);
  assert.equal(existing(web('w9')).node, 'b');

  const db = makePod('db', { labels: { app: 'db' }, nodeName: 'b' });
  const near = makePod('cache', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } } } });
  const { schedule: aff } = setup([makeNode('a'), makeNode('b'), makeNode('c')], [db]);
  assert.equal(aff(near).node, 'b');
  const { schedule: noDb } = setup([makeNode('a')]);
  assert.equal(fitErrorMessage(noDb(near).diagnosis!), "0/1 nodes are available: 1 node(s) didn't match pod affinity rules.");
  // Preferred affinity pulls toward the matching pod's zone.
  const pref = makePod('pref', { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } } }] } } } });
  assert.equal(aff(pref).node, 'b');
});

test('topology spread: DoNotSchedule honours maxSkew; ScheduleAnyway prefers the emptier domain', () => {
  const zoned = (name: string, zone: string) => makeNode(name, { labels: { zone } });
  const app = (name: string, nodeName?: string) => makePod(name, { labels: { app: 'x' }, nodeName });
  const spread = (name: string, when: string) =>
    makePod(name, { labels: { app: 'x' }, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'x' } } }] } });
  const nodes = [zoned('a1', 'a'), zoned('a2', 'a'), zoned('b1', 'b')];
  const { schedule } = setup(nodes, [app('p1', 'a1'), app('p2', 'b1'), app('p3', 'a2')]);
  // zone a has 2, zone b has 1: only b keeps the skew within 1.
  assert.equal(schedule(spread('new', 'DoNotSchedule')).node, 'b1');
  const { schedule: s2 } = setup([zoned('a1', 'a'), zoned('b1', 'b')], [app('p1', 'a1'), app('p2', 'a1')]);
  assert.equal(s2(spread('new', 'ScheduleAnyway')).node, 'b1');
  const { schedule: s3 } = setup([zoned('a1', 'a'), makeNode('nolabel')], [app('p1', 'a1')]);
  const r = s3(spread('new', 'DoNotSchedule'));
  // Only one domain (a) exists, so a is the minimum and the skew is 1: a fits; the unlabelled node does not.
  assert.equal(r.node, 'a1');
  const { schedule: s4 } = setup([makeNode('nolabel')]);
  assert.equal(fitErrorMessage(s4(spread('new', 'DoNotSchedule')).diagnosis!), "0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label).");
  // minDomains above the number of domains makes the global minimum 0.
  const min = spread('m', 'DoNotSchedule');
  min.spec!.topologySpreadConstraints![0]!.minDomains = 3;
  const { schedule: s5 } = setup([zoned('a1', 'a'), zoned('b1', 'b')], [app('p1', 'a1'), app('p2', 'b1')]);
  assert.equal(fitErrorMessage(s5(min).diagnosis!), "0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints.");
});

test('the feasible search rotates its start node and stops after enough nodes', () => {
  const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${i}`));
  const { schedule } = setup(nodes);
  const first = schedule(makePod('p'));
  assert.equal(first.evaluatedNodes, 420);
  assert.equal(first.feasibleNodes, 420);
  const second = schedule(makePod('q'));
  assert.equal(second.evaluatedNodes, 420);
  // The second search started where the first stopped, so it cannot pick from n0..n419.
  assert.ok(Number(second.node!.slice(1)) >= 420, second.node);
});

test('preemption picks the node whose victims matter least and keeps what it can', () => {
  const low = (name: string, node: string, cpu: string, priority: number) => ({ ...makePod(name, { cpu, nodeName: node }), spec: { ...makePod(name, { cpu, nodeName: node }).spec!, priority } });
  const nodes = [makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '2' })];
  const placed = [low('a1', 'a', '1', 10), low('a2', 'a', '1', 10), low('b1', 'b', '1', 100), low('b2', 'b', '1', 5)];
  const { cache, fw, schedule } = setup(nodes, placed);
  const pod = { ...makePod('vip', { cpu: '1' }), spec: { ...makePod('vip', { cpu: '1' }).spec!, priority: 1000 } };
  const r = schedule(pod);
  assert.equal(r.node, undefined);
  const pi = newPodInfo(pod);
  const out = preempt({ framework: fw, pod: pi, nodes: cache.nodeList(), diagnosis: r.diagnosis!, newState: (ex) => new CycleState(pi, cache, () => undefined, ex), priorityOf: (p) => p.spec?.priority ?? 0, random: () => 0 });
  assert.equal(out.message, '');
  // On b only b2 (priority 5) must go; on a one pod of priority 10 must go: b's victim matters less.
  assert.equal(out.candidate?.node, 'b');
  assert.deepEqual(out.candidate?.victims.map((v) => v.key), ['default/b2']);

  const equal = { ...makePod('peer', { cpu: '1' }), spec: { ...makePod('peer', { cpu: '1' }).spec!, priority: 5 } };
  const pe = newPodInfo(equal);
  const none = preempt({ framework: fw, pod: pe, nodes: cache.nodeList(), diagnosis: schedule(equal).diagnosis!, newState: (ex) => new CycleState(pe, cache, () => undefined, ex), priorityOf: (p) => p.spec?.priority ?? 0 });
  assert.equal(none.candidate, undefined);
  assert.equal(none.message, 'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
});
