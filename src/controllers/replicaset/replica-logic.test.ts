// The replica controller's pure parts: deletion order, expectations, slow start, status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { podsToDelete } from './delete-order.js';
import { Expectations } from '../common/expectations.js';
import { slowStartBatch } from './slow-start.js';
import { calculateStatus, REPLICA_FAILURE, statusChanged } from './status.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');

interface PodOpts {
  node?: string;
  phase?: string;
  ready?: boolean;
  readyFor?: number;
  age?: number;
  restarts?: number;
  cost?: string;
  labels?: Record<string, string>;
}

function pod(name: string, o: PodOpts = {}): Pod {
  return {
    metadata: { name, uid: `uid-${name}`, creationTimestamp: ago(o.age ?? 3600), labels: o.labels ?? { app: 'x' }, ...(o.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readyFor ?? 600) }],
      containerStatuses: [{ name: 'c', ready: o.ready !== false, restartCount: o.restarts ?? 0, image: 'i', imageID: '' }],
    },
  };
}

const pick = (pods: Pod[], n: number, related: Pod[] = pods) => podsToDelete(pods, related, n, NOW).map((p) => p.metadata.name);

describe('deletion order', () => {
  it('unscheduled before scheduled, pending before running, not ready before ready', () => {
    assert.deepEqual(pick([pod('placed', { node: 'n1' }), pod('unplaced')], 1), ['unplaced']);
    assert.deepEqual(pick([pod('running', { node: 'n1' }), pod('pending', { node: 'n1', phase: 'Pending' })], 1), ['pending']);
    assert.deepEqual(pick([pod('ready', { node: 'n1' }), pod('unready', { node: 'n1', ready: false })], 1), ['unready']);
  });
  it('lower deletion cost first, then pods doubled up on a node', () => {
    assert.deepEqual(pick([pod('cheap', { node: 'n1', cost: '-5' }), pod('dear', { node: 'n2', cost: '10' })], 1), ['cheap']);
    const alone = pod('alone', { node: 'n1' });
    const crowded = pod('crowded', { node: 'n2' });
    assert.deepEqual(pick([alone, crowded], 1, [alone, crowded, pod('sibling', { node: 'n2' })]), ['crowded']);
  });
  it('recently ready first (log buckets), then more restarts, then newer', () => {
    assert.deepEqual(pick([pod('old', { node: 'n', readyFor: 7200 }), pod('fresh', { node: 'n', readyFor: 10 })], 1), ['fresh']);
    assert.deepEqual(pick([pod('calm', { node: 'n' }), pod('crashy', { node: 'n', restarts: 7 })], 1), ['crashy']);
    assert.deepEqual(pick([pod('elder', { node: 'n', age: 100_000, readyFor: 600 }), pod('young', { node: 'n', age: 700, readyFor: 600 })], 1), ['young']);
  });
  it('returns everything when asked for as many as there are', () => {
    assert.equal(pick([pod('a'), pod('b')], 2).length, 2);
  });
});

describe('expectations', () => {
  it('hold a key until the creations and deletions are observed, or the TTL passes', () => {
    let now = 0;
    const e = new Expectations(1000, () => now);
    assert.ok(e.satisfied('ns/rs'));
    e.expectCreations('ns/rs', 2);
    assert.ok(!e.satisfied('ns/rs'));
    e.creationObserved('ns/rs');
    assert.ok(!e.satisfied('ns/rs'));
    e.lowerCreations('ns/rs', 1);
    assert.ok(e.satisfied('ns/rs'));
    e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/a');
    assert.ok(!e.satisfied('ns/rs'), 'the same pod observed twice counts once');
    now = 1001;
    assert.ok(e.satisfied('ns/rs'), 'expired');
  });
});

describe('slow start', () => {
  it('runs batches of 1, 2, 4 … and stops after the first batch with a failure', async () => {
    let calls = 0;
    const r = await slowStartBatch(10, 1, async () => {
      if (++calls === 4) throw new Error('quota');
    });
    assert.equal(calls, 7);
    assert.equal(r.successes, 6);
    assert.equal((r.error as Error).message, 'quota');
    calls = 0;
    const ok = await slowStartBatch(5, 1, async () => void calls++);
    assert.deepEqual([calls, ok.successes, ok.error], [5, 5, undefined]);
  });
});

describe('replica status', () => {
  const owner = {
    metadata: { name: 'rs', generation: 2 },
    spec: { replicas: 3, minReadySeconds: 60, template: { metadata: { labels: { app: 'x', v: '1' } } } },
    status: { replicas: 1, observedGeneration: 1 },
  };
  it('counts fully labeled, ready and available pods', () => {
    const s = calculateStatus(owner, [pod('a', { labels: { app: 'x', v: '1' } }), pod('b', { readyFor: 5 }), pod('c', { ready: false })], undefined, NOW);
    assert.deepEqual([s.replicas, s.fullyLabeledReplicas, s.readyReplicas, s.availableReplicas], [3, 1, 2, 1]);
    assert.ok(statusChanged(owner, s));
  });
  it('adds ReplicaFailure on a failed create and removes it once syncs succeed', () => {
    const failed = calculateStatus(owner, [], new Error('pods "rs-" is forbidden: exceeded quota'), NOW);
    const cond = failed.conditions?.find((c) => c.type === REPLICA_FAILURE);
    assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['True', 'FailedCreate', 'pods "rs-" is forbidden: exceeded quota']);
    const healed = calculateStatus({ ...owner, status: failed }, [], undefined, NOW);
    assert.equal(healed.conditions, undefined);
  });
});
