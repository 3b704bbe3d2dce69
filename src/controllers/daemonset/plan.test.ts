// The DaemonSet sync plan on its own: placement repairs and both rolling-update modes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DaemonSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { planDaemonSet } from './plan.js';

const T0 = Date.UTC(2026, 0, 1);
const nodes: Node[] = ['n1', 'n2', 'n3'].map((name) => ({ metadata: { name, labels: {} }, spec: {} }));

function ds(rollingUpdate: { maxSurge?: number | string; maxUnavailable?: number | string }): DaemonSet {
  return {
    metadata: { name: 'd', namespace: 'ns', generation: 2 },
    spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c' }] } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate } },
  };
}

let seq = 0;
function pod(node: string, hash: string, ready: boolean, phase = 'Running'): Pod {
  seq++;
  return {
    metadata: { name: `d-${seq}`, namespace: 'ns', uid: `u${seq}`, creationTimestamp: new Date(T0 + seq * 1000).toISOString(), labels: { app: 'd', 'controller-revision-hash': hash } },
    spec: { containers: [{ name: 'c' }], nodeName: node },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date(T0).toISOString() }] },
  };
}

describe('daemonset plan', () => {
  it('leaves pods bound to a deleted node to the pod GC and deletes only unscheduled ones pinned there', () => {
    const bound = pod('gone', 'new', true);
    const pinned: Pod = { ...pod('gone', 'new', false, 'Pending'), spec: { containers: [{ name: 'c' }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gone'] }] }] } } } } };
    const plan = planDaemonSet(ds({ maxUnavailable: 1 }), nodes, [bound, pinned], 'new', T0 + 60_000);
    assert.deepEqual(plan.remove.map((p) => p.metadata.name), [pinned.metadata.name]);
  });

  it('creates on empty nodes, drops duplicates and replaces failed pods', () => {
    const a = pod('n1', 'new', true);
    const dup = pod('n1', 'new', true);
    const failed = pod('n2', 'new', false, 'Failed');
    const plan = planDaemonSet(ds({ maxUnavailable: 1 }), nodes, [a, dup, failed], 'new', T0 + 60_000);
    assert.deepEqual(plan.createOn.sort(), ['n2', 'n3']);
    assert.deepEqual(plan.remove.map((p) => p.metadata.name).sort(), [dup.metadata.name, failed.metadata.name].sort());
    assert.equal(plan.status.desiredNumberScheduled, 3);
    assert.equal(plan.status.currentNumberScheduled, 2);
    assert.equal(plan.status.numberReady, 1);
  });

  it('with maxSurge 0 deletes at most maxUnavailable available old pods, unavailable old pods for free', () => {
    const pods = [pod('n1', 'old', true), pod('n2', 'old', true), pod('n3', 'old', false)];
    const plan = planDaemonSet(ds({ maxUnavailable: 1 }), nodes, pods, 'new', T0 + 60_000);
    // The unready old pod on n3 already costs the one unavailable slot.
    assert.deepEqual(plan.remove.map((p) => p.spec?.nodeName), ['n3']);
    assert.deepEqual(plan.createOn, []);
    const plan2 = planDaemonSet(ds({ maxUnavailable: 2 }), nodes, pods, 'new', T0 + 60_000);
    assert.equal(plan2.remove.length, 2);
  });

  it('with maxSurge starts new pods beside old ones and removes the old once the new is available', () => {
    const pods = [pod('n1', 'old', true), pod('n2', 'old', true), pod('n3', 'old', true)];
    const first = planDaemonSet(ds({ maxSurge: 1, maxUnavailable: 0 }), nodes, pods, 'new', T0 + 60_000);
    assert.equal(first.createOn.length, 1);
    assert.deepEqual(first.remove, []);
    const surged = pod(first.createOn[0]!, 'new', true);
    const oldThere = pods.find((p) => p.spec?.nodeName === first.createOn[0])!;
    const second = planDaemonSet(ds({ maxSurge: 1, maxUnavailable: 0 }), nodes, [...pods, surged], 'new', T0 + 60_000);
    assert.deepEqual(second.remove, [oldThere]);
    // An available new pod frees its surge slot at once (as upstream): the next node surges.
    assert.equal(second.createOn.length, 1);
    assert.notEqual(second.createOn[0], first.createOn[0]);
    // While a surged pod is not yet available, it holds the only slot.
    const unready = pod(first.createOn[0]!, 'new', false);
    const held = planDaemonSet(ds({ maxSurge: 1, maxUnavailable: 0 }), nodes, [...pods, unready], 'new', T0 + 60_000);
    assert.deepEqual(held.createOn, []);
    assert.deepEqual(held.remove, []);
  });
});
