import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { PodDisruptionBudget } from '../../api/policy/v1/types.js';
import { buildDisruptedPods, computeStatus, countHealthy, DELETION_TIMEOUT_MS, expectedPodCount } from './status.js';

const pod = (name: string, ready = true, deleting = false): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, deletionTimestamp: deleting ? '2026-01-01T00:00:00Z' : undefined }, spec: { containers: [] }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }) as Pod;
const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', generation: 3 }, spec });
const scale = (n: number) => async () => n;

describe('PDB status', () => {
  it('expects the controllers\' scale for maxUnavailable and percentages, the pod count for an integer minAvailable', async () => {
    const pods = [pod('a'), pod('b')];
    assert.deepEqual(await expectedPodCount(pdb({ maxUnavailable: 1 }), pods, scale(5)), { expectedCount: 5, desiredHealthy: 4 });
    assert.deepEqual(await expectedPodCount(pdb({ maxUnavailable: '50%' }), pods, scale(5)), { expectedCount: 5, desiredHealthy: 2 });
    assert.deepEqual(await expectedPodCount(pdb({ minAvailable: '50%' }), pods, scale(5)), { expectedCount: 5, desiredHealthy: 3 });
    assert.deepEqual(await expectedPodCount(pdb({ minAvailable: 1 }), pods, scale(9)), { expectedCount: 2, desiredHealthy: 1 });
    assert.deepEqual(await expectedPodCount(pdb({ maxUnavailable: 7 }), pods, scale(5)), { expectedCount: 5, desiredHealthy: 0 });
  });

  it('counts ready pods that are neither deleting nor recently evicted', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const pods = [pod('a'), pod('b', false), pod('c', true, true), pod('d'), pod('e')];
    const recorded = { d: '2026-01-01T00:09:00Z', e: new Date(now - DELETION_TIMEOUT_MS - 1000).toISOString() };
    const disrupted = buildDisruptedPods(pods, recorded, now);
    assert.deepEqual(disrupted.pods, { d: '2026-01-01T00:09:00Z' });
    assert.deepEqual(disrupted.expired.map((p) => p.metadata.name), ['e']);
    assert.equal(disrupted.recheckAt, Date.parse('2026-01-01T00:09:00Z') + DELETION_TIMEOUT_MS);
    assert.equal(countHealthy(pods, disrupted.pods, now), 2);
  });

  it('allows the surplus of healthy pods and sets the condition', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const s = computeStatus(pdb({ minAvailable: 1 }), { expectedCount: 3, desiredHealthy: 1 }, 3, {}, now);
    assert.equal(s.disruptionsAllowed, 2);
    assert.equal(s.observedGeneration, 3);
    assert.deepEqual(s.conditions, [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 3, lastTransitionTime: '2026-01-01T00:00:00Z' }]);
    const none = computeStatus({ ...pdb({}), status: s }, { expectedCount: 3, desiredHealthy: 3 }, 2, {}, now + 5000);
    assert.equal(none.disruptionsAllowed, 0);
    assert.equal(none.conditions![0]!.reason, 'InsufficientPods');
    assert.equal(none.conditions![0]!.lastTransitionTime, '2026-01-01T00:00:05Z');
    assert.equal(computeStatus(pdb({}), { expectedCount: 0, desiredHealthy: 0 }, 0, {}, now).disruptionsAllowed, 0);
  });
});
