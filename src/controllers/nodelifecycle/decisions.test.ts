// The pure decisions of the node lifecycle controller: silent-node conditions, condition-derived
// taints, taint-based eviction deadlines, liveness observations, and the default tolerations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Toleration } from '../../api/core/v1/pod/types.js';
import type { Node, Taint } from '../../api/core/v1/types.js';
import { withDefaultTolerations } from '../../apiserver/admission/default-tolerations.js';
import { NEVER_POSTED, STOPPED_POSTING, unknownConditions } from './conditions.js';
import { evictionDecision, tolerates } from './eviction.js';
import { NodeHealth } from './health.js';
import { reconcileTaints, TAINT_NOT_READY, TAINT_UNREACHABLE } from './taints.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const node = (conditions: Record<string, string>, taints?: Taint[], unschedulable?: boolean): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n' },
  spec: { taints, unschedulable },
  status: { conditions: Object.entries(conditions).map(([type, status]) => ({ type, status, reason: 'KubeletReady', lastTransitionTime: '2025-12-31T00:00:00Z' })) },
});

describe('node lifecycle: conditions of a silent node', () => {
  it('turns every kubelet condition Unknown with upstream reason and message', () => {
    const got = unknownConditions(node({ Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', NetworkUnavailable: 'False' }), T0)!;
    const byType = new Map(got.map((c) => [c.type, c]));
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      assert.equal(byType.get(type)!.status, 'Unknown', type);
      assert.equal(byType.get(type)!.reason, 'NodeStatusUnknown');
      assert.equal(byType.get(type)!.message, STOPPED_POSTING);
      assert.equal(byType.get(type)!.lastTransitionTime, '2026-01-01T00:00:00Z');
    }
    // NetworkUnavailable belongs to the network plugin, not the kubelet.
    assert.equal(byType.get('NetworkUnavailable')!.status, 'False');
  });

  it('adds missing conditions as never posted and reports no change once all are Unknown', () => {
    const got = unknownConditions(node({}), T0)!;
    assert.equal(got.length, 4);
    assert.ok(got.every((c) => c.status === 'Unknown' && c.reason === 'NodeStatusNeverUpdated' && c.message === NEVER_POSTED));
    const n = node({});
    n.status!.conditions = got;
    assert.equal(unknownConditions(n, T0 + 10_000), undefined);
  });
});

describe('node lifecycle: taints from conditions', () => {
  const at = '2026-01-01T00:00:00Z';
  const keys = (ts: Taint[] | undefined) => (ts ?? []).map((t) => `${t.key}:${t.effect}`).sort();

  it('taints an unreachable node NoSchedule and NoExecute (with timeAdded on the latter only)', () => {
    const got = reconcileTaints(node({ Ready: 'Unknown' }), at)!;
    assert.deepEqual(keys(got), [`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
    assert.equal(got.find((t) => t.effect === 'NoExecute')!.timeAdded, at);
    assert.equal(got.find((t) => t.effect === 'NoSchedule')!.timeAdded, undefined);
  });

  it('swaps unreachable for not-ready when Ready turns False, keeping foreign taints', () => {
    const foreign: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const n = node({ Ready: 'False' }, [foreign, { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }]);
    const got = reconcileTaints(n, at)!;
    assert.deepEqual(keys(got), ['dedicated:NoSchedule', `${TAINT_NOT_READY}:NoExecute`, `${TAINT_NOT_READY}:NoSchedule`]);
  });

  it('keeps timeAdded of a taint already present and reports no change when in line', () => {
    const existing: Taint[] = [{ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }];
    assert.equal(reconcileTaints(node({ Ready: 'Unknown' }, existing), at), undefined);
  });

  it('removes its taints once the node is Ready, and adds pressure and unschedulable taints', () => {
    const n = node({ Ready: 'True', MemoryPressure: 'True', DiskPressure: 'False' }, [{ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: at }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }], true);
    assert.deepEqual(keys(reconcileTaints(n, at)), ['node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']);
    assert.deepEqual(reconcileTaints(node({ Ready: 'True' }, [{ key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: at }]), at), []);
    assert.equal(reconcileTaints(node({ Ready: 'True' }), at), undefined);
  });
});

describe('node lifecycle: taint-based eviction', () => {
  const unreachable: Taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };
  const tol = (key: string | undefined, seconds?: number, extra: Partial<Toleration> = {}): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds, ...extra });

  it('evicts at once a pod without a matching toleration', () => {
    assert.deepEqual(evictionDecision(undefined, [unreachable], T0), { evict: 'now' });
    assert.deepEqual(evictionDecision([tol(TAINT_NOT_READY, 300)], [unreachable], T0), { evict: 'now' });
  });

  it('evicts when tolerationSeconds since timeAdded have passed, not before', () => {
    assert.deepEqual(evictionDecision([tol(TAINT_UNREACHABLE, 300)], [unreachable], T0 + 1000), { evict: 'at', at: T0 + 300_000 });
    assert.deepEqual(evictionDecision([tol(TAINT_UNREACHABLE, 300)], [unreachable], T0 + 300_000), { evict: 'now' });
    assert.deepEqual(evictionDecision([tol(TAINT_UNREACHABLE, -5)], [unreachable], T0), { evict: 'now' });
  });

  it('never evicts a pod tolerating forever, nor for NoSchedule taints alone', () => {
    assert.deepEqual(evictionDecision([tol(TAINT_UNREACHABLE)], [unreachable], T0 + 1e9), { evict: 'never' });
    assert.deepEqual(evictionDecision([{ operator: 'Exists' }], [unreachable], T0 + 1e9), { evict: 'never' });
    assert.deepEqual(evictionDecision(undefined, [{ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }], T0), { evict: 'never' });
  });

  it('takes the earliest deadline over several tainted keys', () => {
    const notReady: Taint = { key: 'example.com/x', value: 'a', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:10Z' };
    const d = evictionDecision([tol(TAINT_UNREACHABLE, 3600), { key: 'example.com/x', operator: 'Equal', value: 'a', effect: 'NoExecute', tolerationSeconds: 20 }], [unreachable, notReady], T0);
    assert.deepEqual(d, { evict: 'at', at: T0 + 30_000 });
  });

  it('matches tolerations as upstream does', () => {
    assert.equal(tolerates({ key: 'k', operator: 'Equal', value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' }), true);
    assert.equal(tolerates({ key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoExecute' }), false);
    assert.equal(tolerates({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { key: 'k', effect: 'NoExecute' }), false);
  });
});

describe('node lifecycle: liveness observations', () => {
  it('moves the probe time only when the lease or the status heartbeat changes', () => {
    const h = new NodeHealth();
    assert.equal(h.observe('n', { leaseRenew: 'a' }, 100), 100);
    assert.equal(h.observe('n', { leaseRenew: 'a' }, 5000), 100);
    assert.equal(h.observe('n', { leaseRenew: 'b' }, 6000), 6000);
    assert.equal(h.observe('n', { leaseRenew: 'b', statusHeartbeat: 'x' }, 7000), 7000);
    assert.equal(h.observe('n', { leaseRenew: 'b', statusHeartbeat: 'x' }, 9000), 7000);
    h.forget('n');
    assert.equal(h.observe('n', { leaseRenew: 'b' }, 9500), 9500);
  });
});

describe('DefaultTolerationSeconds admission', () => {
  it('adds both tolerations with the configured seconds', () => {
    const got = withDefaultTolerations(undefined, { notReadySeconds: 10, unreachableSeconds: 20 });
    assert.deepEqual(got, [
      { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
    ]);
    assert.equal(withDefaultTolerations([])[0]!.tolerationSeconds, 300);
  });

  it('leaves keys already tolerated (by key, by wildcard, or by any effect) alone', () => {
    const own: Toleration = { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3600 };
    assert.deepEqual(withDefaultTolerations([own]).map((t) => t.key), [TAINT_UNREACHABLE, TAINT_NOT_READY]);
    assert.equal(withDefaultTolerations([{ operator: 'Exists' }]).length, 1);
    assert.equal(withDefaultTolerations([{ key: TAINT_NOT_READY, operator: 'Exists' }]).length, 2);
    // A NoSchedule toleration does not cover the NoExecute taint.
    assert.equal(withDefaultTolerations([{ key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoSchedule' }]).length, 3);
  });
});
