// Default topology spreading (PodTopologySpreadArgs): pods without constraints of their own are
// spread over hosts by the Services and controllers that select them. The nodes are unequal on
// purpose: a big node `a` that the resource scores always prefer, and a small node `b`, so only
// the spreading score can send a replica to `b`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Framework } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import { defaultSelector, NO_WORKLOADS, type WorkloadListers } from './default-selector.js';
import { CycleState } from './framework.js';
import { newPodInfo } from './pod-info.js';
import { defaultPlugins } from './plugins/index.js';
import type { PodTopologySpreadOptions } from './plugins/pod-topology-spread.js';
import { makeNode, makePod } from './testing/objects.js';
import type { ReplicaSet, StatefulSet } from '../api/apps/v1/types.js';
import type { Service } from '../api/core/v1/types.js';
import type { Pod, ReplicationController, TopologySpreadConstraint } from '../api/core/v1/pod/types.js';

const rc: ReplicationController = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } };
const rs: ReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-7d9f', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'api', 'pod-template-hash': '7d9f' } } } as ReplicaSet['spec'] };
const sts: StatefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] } } as StatefulSet['spec'] };
const svc = (name: string, selector?: Record<string, string>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector } });

function listers(services: Service[] = []): WorkloadListers {
  return {
    services: (ns) => services.filter((s) => s.metadata.namespace === ns),
    replicationController: (ns, name) => (ns === 'default' && name === 'web' ? rc : undefined),
    replicaSet: (ns, name) => (ns === 'default' && name === rs.metadata.name ? rs : undefined),
    statefulSet: (ns, name) => (ns === 'default' && name === 'db' ? sts : undefined),
  };
}

const owned = (kind: string, apiVersion: string, name: string) => [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }];

function replica(name: string, owner: 'rc' | 'rs', spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  const pod = makePod(name, { labels: owner === 'rc' ? { app: 'web' } : { app: 'api', 'pod-template-hash': '7d9f' }, cpu: '500m', memory: '256Mi', spec });
  pod.metadata.ownerReferences = owner === 'rc' ? owned('ReplicationController', 'v1', 'web') : owned('ReplicaSet', 'apps/v1', rs.metadata.name!);
  return pod;
}

/** Schedules the pods one after another, each placed before the next, as the scheduler's cache does. */
function place(pods: Pod[], spread: PodTopologySpreadOptions = {}, nodes = [makeNode('a', { cpu: '32', memory: '64Gi' }), makeNode('b', { cpu: '4', memory: '8Gi' })]): Record<string, number> {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  const { filters, scorers } = defaultPlugins({ podTopologySpread: { workloads: listers(), ...spread } });
  // Ties go to the first of equals, so a placement never depends on chance.
  const fw = new Framework(filters, scorers, 0, () => 0.99);
  const counts: Record<string, number> = {};
  for (const pod of pods) {
    const r = fw.schedule(new CycleState(newPodInfo(pod), cache, () => undefined), cache.nodeList(), (n) => n);
    assert.ok(r.node, `${pod.metadata.name} found no node`);
    cache.addOrUpdatePod(newPodInfo({ ...pod, spec: { ...pod.spec!, nodeName: r.node } }));
    counts[r.node] = (counts[r.node] ?? 0) + 1;
  }
  return counts;
}

const replicas = (n: number, owner: 'rc' | 'rs', spec?: Partial<NonNullable<Pod['spec']>>) => Array.from({ length: n }, (_, i) => replica(`${owner}-${i}`, owner, spec));

test('default selector: Services selecting the pod and its controller, required together', () => {
  const pod = replica('p', 'rs');
  pod.metadata.labels!['tier'] = 'fe';
  const l = listers([svc('api', { app: 'api' }), svc('fe', { tier: 'fe' }), svc('other', { app: 'other' }), svc('headless')]);
  assert.equal(defaultSelector(pod, l).toString(), 'app=api,app=api,pod-template-hash=7d9f,tier=fe');
  const byRc = replica('q', 'rc');
  assert.equal(defaultSelector(byRc, listers()).toString(), 'app=web');
  const bySts = makePod('db-0', { labels: { app: 'db' } });
  bySts.metadata.ownerReferences = owned('StatefulSet', 'apps/v1', 'db');
  assert.equal(defaultSelector(bySts, listers()).toString(), 'app in (db)');
  // No Service and no controller (or one that is not a controller reference): nothing to spread from.
  assert.ok(defaultSelector(makePod('lone', { labels: { app: 'web' } }), listers()).empty());
  const notController = replica('r', 'rc');
  notController.metadata.ownerReferences![0]!.controller = false;
  assert.ok(defaultSelector(notController, listers()).empty());
  assert.ok(defaultSelector(replica('s', 'rc'), NO_WORKLOADS).empty());
});

test('system defaults spread an RC of 3 as 2+1 and a Deployment of 4 as 2+2', () => {
  assert.deepEqual(place(replicas(3, 'rc')), { a: 2, b: 1 });
  assert.deepEqual(place(replicas(4, 'rs')), { a: 2, b: 2 });
});

test('without default constraints the resource scores alone put every replica on the big node', () => {
  assert.deepEqual(place(replicas(3, 'rc'), { defaultingType: 'List', defaultConstraints: [] }), { a: 3 });
  assert.deepEqual(place(replicas(4, 'rs'), { defaultingType: 'List', defaultConstraints: [] }), { a: 4 });
  // Pods nothing selects or owns are not spread either.
  const loners = [0, 1, 2].map((i) => makePod(`l-${i}`, { labels: { app: 'web' }, cpu: '500m', memory: '256Mi' }));
  assert.deepEqual(place(loners), { a: 3 });
});

test('a pod with constraints of its own ignores the defaults', () => {
  // Its own constraint counts pods labelled app=none: none exist, so it does not spread at all.
  const own: TopologySpreadConstraint[] = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'none' } } }];
  assert.deepEqual(place(replicas(3, 'rc', { topologySpreadConstraints: own })), { a: 3 });
});

test('List defaults apply as given: DoNotSchedule filters, and a key the nodes lack leaves them unscored', () => {
  const hard: TopologySpreadConstraint[] = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }];
  assert.deepEqual(place(replicas(4, 'rc'), { defaultingType: 'List', defaultConstraints: hard }), { a: 2, b: 2 });
  // Under List every node must carry every key; none has a zone, so none is scored by spreading.
  const zoneOnly: TopologySpreadConstraint[] = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }];
  assert.deepEqual(place(replicas(3, 'rc'), { defaultingType: 'List', defaultConstraints: zoneOnly }), { a: 3 });
});

test('system defaults spread by zone where nodes carry one, and by host where they do not', () => {
  const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });
  // a1 and a2 are big and share zone z1; b is small in zone z2. Hostname spreading alone would
  // alternate a1, a2; the zone constraint sends the third replica to z2.
  const zoned = [makeNode('a1', { cpu: '32', memory: '64Gi', labels: zone('z1') }), makeNode('a2', { cpu: '32', memory: '64Gi', labels: zone('z1') }), makeNode('b', { cpu: '4', memory: '8Gi', labels: zone('z2') })];
  const counts = place(replicas(3, 'rc'), {}, zoned);
  assert.equal(counts['b'], 1, JSON.stringify(counts));
  // A node without a zone label is scored by hostname alone rather than ignored (under List it
  // would score 0). As upstream, it then carries no zone penalty: raw scores for the 1st, 2nd
  // and 3rd replica are a 6/6/6 (hostname 0+2, zone 0+4) against b 2/3/5, so b takes two.
  const mixed = [makeNode('a', { cpu: '32', memory: '64Gi', labels: zone('z1') }), makeNode('b', { cpu: '4', memory: '8Gi' })];
  assert.deepEqual(place(replicas(3, 'rc'), {}, mixed), { a: 1, b: 2 });
});
