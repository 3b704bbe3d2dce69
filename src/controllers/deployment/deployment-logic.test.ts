// The deployment controller's pure parts: the template hash, surge/unavailability rounding,
// scale-up budget, proportional scaling, revision annotations, conditions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import { setNewReplicaSetAnnotations } from './annotations.js';
import { canonicalJson } from '../common/canonical-json.js';
import { computeHash, fnv32a, safeEncodeString } from '../common/template-hash.js';
import { equalIgnoreHash, findNewReplicaSet, maxSurge, maxUnavailable, newRSNewReplicas, replicaSetProportion, resolveFenceposts } from './replicas.js';
import { calculateStatus, deploymentTimedOut, setCondition, newCondition } from './status.js';

const enc = (s: string) => new TextEncoder().encode(s);

function dep(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', extra: Partial<Deployment> = {}): Deployment {
  return {
    metadata: { name: 'd', uid: 'd-uid', generation: 1 },
    spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    ...extra,
  };
}

function rs(name: string, replicas: number, annotations: Record<string, string> = {}, created = '2025-01-01T00:00:00Z'): ReplicaSet {
  return { metadata: { name, uid: `uid-${name}`, creationTimestamp: created, annotations }, spec: { replicas }, status: { replicas, availableReplicas: replicas } };
}

describe('pod-template-hash', () => {
  it('is FNV-1a 32 rendered with the safe alphabet', () => {
    assert.equal(fnv32a(enc('')), 0x811c9dc5);
    assert.equal(fnv32a(enc('a')), 0xe40c292c);
    assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });
  it('ignores key order, changes with the template and with the collision count', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] }), '{"a":[{"d":2}],"b":1}');
    const t = dep(1).spec!.template!;
    const same = JSON.parse(JSON.stringify({ spec: t.spec, metadata: t.metadata }));
    assert.equal(computeHash(t), computeHash(same));
    assert.notEqual(computeHash(t), computeHash({ ...t, spec: { containers: [{ name: 'c', image: 'j' }] } }));
    assert.notEqual(computeHash(t), computeHash(t, 1));
    assert.match(computeHash(t), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });
  it('template equality ignores the hash label and nil-versus-empty', () => {
    const a = { metadata: { labels: { app: 'd', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'i', env: [] }] } };
    const b = { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    assert.ok(equalIgnoreHash(a, b));
    assert.ok(!equalIgnoreHash(a, { ...b, spec: { containers: [{ name: 'c', image: 'x' }] } }));
  });
  it('the new ReplicaSet is the oldest one with the deployment template', () => {
    const d = dep(1);
    const older = { ...rs('older', 0, {}, '2025-01-01T00:00:00Z'), spec: { replicas: 0, template: d.spec!.template } };
    const newer = { ...rs('newer', 0, {}, '2025-01-02T00:00:00Z'), spec: { replicas: 0, template: d.spec!.template } };
    assert.equal(findNewReplicaSet(d, [newer, older])?.metadata.name, 'older');
  });
});

describe('rolling update budgets', () => {
  it('rounds surge up and unavailability down, never both zero', () => {
    assert.deepEqual(resolveFenceposts(dep(10)), { surge: 3, unavailable: 2 });
    assert.deepEqual(resolveFenceposts(dep(1, 0, 0)), { surge: 0, unavailable: 1 });
    assert.equal(maxUnavailable(dep(2, 0, 5)), 2, 'capped at the replica count');
    assert.equal(maxSurge({ ...dep(3), spec: { ...dep(3).spec, strategy: { type: 'Recreate' } } }), 0);
  });
  it('the new RS grows only into the surge room', () => {
    const d = dep(4, 1, 0);
    assert.equal(newRSNewReplicas(d, [rs('old', 4), rs('new', 0)], rs('new', 0)), 1);
    assert.equal(newRSNewReplicas(d, [rs('old', 4), rs('new', 1)], rs('new', 1)), 1);
    assert.equal(newRSNewReplicas(d, [rs('old', 2), rs('new', 1)], rs('new', 1)), 3);
  });
  it('proportional scaling splits a resize by RS size (10 -> 15 mid-rollout: +3 old, +2 new)', () => {
    const d = dep(15, 3, 2, { status: { replicas: 13 } });
    const old = rs('old', 8, { 'deployment.kubernetes.io/max-replicas': '13' });
    const neu = rs('new', 5, { 'deployment.kubernetes.io/max-replicas': '13' });
    const toAdd = 18 - 13;
    const pOld = replicaSetProportion(old, d, toAdd, 0);
    const pNew = replicaSetProportion(neu, d, toAdd, pOld);
    assert.deepEqual([pOld, pNew], [3, 2]);
  });
});

describe('revision annotations', () => {
  it('a new RS gets revision and replica annotations and the deployment annotations except kubectl bookkeeping', () => {
    const d = dep(3, 1, 0);
    d.metadata.annotations = { 'kubernetes.io/change-cause': 'why', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '7' };
    const r = rs('new', 0);
    assert.ok(setNewReplicaSetAnnotations(d, r, '2', false));
    assert.deepEqual(r.metadata.annotations, {
      'kubernetes.io/change-cause': 'why',
      'deployment.kubernetes.io/revision': '2',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    assert.ok(!setNewReplicaSetAnnotations(d, r, '2', true), 'nothing left to change');
  });
  it('rolling back to an RS moves its old revisions into revision-history', () => {
    const d = dep(1);
    const r = rs('back', 1, { 'deployment.kubernetes.io/revision': '1' });
    setNewReplicaSetAnnotations(d, r, '3', true);
    setNewReplicaSetAnnotations(d, r, '5', true);
    assert.equal(r.metadata.annotations?.['deployment.kubernetes.io/revision'], '5');
    assert.equal(r.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1,3');
    setNewReplicaSetAnnotations(d, r, '4', true);
    assert.equal(r.metadata.annotations?.['deployment.kubernetes.io/revision'], '5', 'revisions never go down');
  });
});

describe('conditions', () => {
  const NOW = Date.parse('2025-01-01T00:10:00Z');
  it('Available follows replicas - maxUnavailable', () => {
    const d = dep(4, 1, 1);
    const ok = calculateStatus([rs('a', 3)], rs('a', 3), d, NOW);
    assert.deepEqual(ok.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']]);
    const low = calculateStatus([rs('a', 2)], rs('a', 2), d, NOW);
    assert.deepEqual(low.conditions?.map((c) => [c.status, c.reason]), [['False', 'MinimumReplicasUnavailable']]);
  });
  it('setCondition keeps lastTransitionTime while the status holds, and the condition itself when nothing changed', () => {
    const status = {};
    setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'm', NOW - 60_000));
    setCondition(status, newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'm2', NOW));
    const c = (status as { conditions: { lastTransitionTime: string; lastUpdateTime: string; reason: string }[] }).conditions[0]!;
    assert.deepEqual([c.reason, c.lastTransitionTime, c.lastUpdateTime], ['ReplicaSetUpdated', '2025-01-01T00:09:00Z', '2025-01-01T00:10:00Z']);
  });
  it('times out after progressDeadlineSeconds without progress', () => {
    const d = dep(1, 1, 0, {});
    d.spec!.progressDeadlineSeconds = 60;
    const status = { conditions: [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'm', NOW - 61_000)] };
    assert.ok(deploymentTimedOut(d, status, NOW));
    assert.ok(!deploymentTimedOut(d, { conditions: [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'm', NOW - 59_000)] }, NOW));
    d.spec!.progressDeadlineSeconds = 2147483647;
    assert.ok(!deploymentTimedOut(d, status, NOW), 'MaxInt32 means no deadline');
  });
});

describe('rolling update against a lagging ReplicaSet status', () => {
  it('never "cleans up" an old ReplicaSet whose status still counts pods it was asked to drop', async () => {
    const { DeploymentSync } = await import('./sync.js');
    const { rolloutRolling } = await import('./rolling.js');
    const d = dep(4, 1, 1);
    const template = d.spec!.template!;
    const newRS = rs('d-new', 4, { 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' }, '2025-01-02T00:00:00Z');
    newRS.spec = { ...newRS.spec, template: { ...template, metadata: { labels: { ...template.metadata?.labels, 'pod-template-hash': 'new' } } } };
    newRS.status = { replicas: 4, availableReplicas: 3 };
    const oldRS = rs('d-old', 1, { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' });
    oldRS.spec = { ...oldRS.spec, template: { metadata: { labels: { app: 'd', 'pod-template-hash': 'old' } }, spec: { containers: [{ name: 'c', image: 'old' }] } } };
    // Scaled from 2 to 1 a moment ago; its status still shows both pods available.
    oldRS.status = { replicas: 2, availableReplicas: 2 };
    oldRS.metadata.namespace = 'ns';
    d.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' };
    const writes: { path: string; replicas?: number }[] = [];
    const client = {
      update: async (path: string, body: ReplicaSet) => {
        writes.push({ path, replicas: body.spec?.replicas });
        return { ...body, metadata: { ...body.metadata, resourceVersion: String(writes.length) } };
      },
    };
    const s = new DeploymentSync({ client: client as never, recorder: { event() {} } as never, now: () => 0, requeue() {} }, d, [oldRS, newRS]);
    await assert.rejects(rolloutRolling(s), /invalid request to scale down ns\/d-old 1 -> 2/);
    assert.deepEqual(writes.filter((w) => w.path.includes('replicasets')), [], 'no ReplicaSet was resized');
  });
});
