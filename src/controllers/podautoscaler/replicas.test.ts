// The HPA's arithmetic at unit level (a fake metrics source is a map): upstream's replica
// calculator and normalization, including what must not happen (flapping, scaling to zero).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { normalizeWithBehavior, normalizeWithoutBehavior, recordScale, type HpaMemory } from './normalize.js';
import { CalculatorError, resourceReplicas, type CalculatorOptions, type PodMetrics } from './replica-calculator.js';

const NOW = 1_000_000_000;
const o: CalculatorOptions = { tolerance: 0.1, cpuInitializationPeriodMs: 300_000, delayOfInitialReadinessStatusMs: 30_000, now: NOW };
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function pod(name: string, opts: { phase?: string; ready?: boolean; startedMsAgo?: number; readyMsAgo?: number; request?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns' },
    spec: { containers: [{ name: 'app', image: 'x', resources: opts.request === '' ? {} : { requests: { cpu: opts.request ?? '200m' } } }] },
    status: {
      phase: opts.phase ?? 'Running',
      startTime: ago(opts.startedMsAgo ?? 600_000),
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: ago(opts.readyMsAgo ?? 590_000) }],
    },
  } as Pod;
}

const metrics = (values: Record<string, number>): PodMetrics => new Map(Object.entries(values).map(([k, v]) => [k, { value: v, timestamp: NOW - 1000, windowMs: 15_000 }]));

test('scale up by the usage ratio; inside the tolerance the count stays', () => {
  assert.equal(resourceReplicas(2, 50, 'cpu', [pod('a'), pod('b')], metrics({ a: 200, b: 200 }), o).replicas, 4);
  const within = resourceReplicas(2, 50, 'cpu', [pod('a'), pod('b')], metrics({ a: 108, b: 108 }), o);
  assert.equal(within.replicas, 2);
  assert.equal(within.utilization, 54);
});

test('missing metrics: assumed at the target when scaling down, at zero when scaling up (no overshoot, no flapping)', () => {
  // Down: the pod without a metric counts as 100% of request, so 3 pods at 10% + 1 missing do not halve.
  const down = resourceReplicas(4, 50, 'cpu', [pod('a'), pod('b'), pod('c'), pod('d')], metrics({ a: 20, b: 20, c: 20 }), o);
  assert.equal(down.replicas, 3);
  // Up: a missing pod counts as idle: 1 hot pod of 2 gives 2 × (200%+0)/2/50% = 4, not 8.
  assert.equal(resourceReplicas(2, 50, 'cpu', [pod('a'), pod('b')], metrics({ a: 400 }), o).replicas, 4);
  // No metrics at all is an error (the controller then keeps the count): never a scale to zero.
  assert.throws(() => resourceReplicas(2, 50, 'cpu', [pod('a'), pod('b')], new Map(), o), CalculatorError);
});

test('unready pods and the CPU initialization period', () => {
  // A pending pod is unready: on a scale up it counts as 0.
  // (a alone at 100% would say 4; with b at 0 the ratio is 1: stay at 2.)
  assert.equal(resourceReplicas(2, 50, 'cpu', [pod('a'), pod('b', { phase: 'Pending' })], metrics({ a: 200 }), o).replicas, 2);
  assert.equal(resourceReplicas(2, 50, 'cpu', [pod('a'), pod('b', { phase: 'Pending' })], metrics({ a: 400 }), o).replicas, 4);
  // Started 1 min ago, ready only 1 s ago: its sample (window 15 s) predates readiness, so it is ignored for CPU.
  const fresh = pod('b', { startedMsAgo: 60_000, readyMsAgo: 1000 });
  assert.equal(resourceReplicas(2, 50, 'cpu', [pod('a'), fresh], metrics({ a: 100, b: 1000 }), o).replicas, 2);
});

test('a container without a request fails the Utilization computation', () => {
  assert.throws(() => resourceReplicas(1, 50, 'cpu', [pod('a', { request: '' })], metrics({ a: 100 }), o), /missing request for cpu in container app of Pod a/);
});

test('without behavior: the scale-down window keeps the highest recent recommendation; scale-up at most max(2×, 4)', () => {
  const m: HpaMemory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
  assert.equal(normalizeWithoutBehavior(m, NOW, 300_000, 5, 5, 1, 10).replicas, 5);
  const out = normalizeWithoutBehavior(m, NOW + 15_000, 300_000, 5, 2, 1, 10);
  assert.equal(out.replicas, 5);
  assert.equal(out.ableToScale.reason, 'ScaleDownStabilized');
  assert.equal(normalizeWithoutBehavior(m, NOW + 301_000, 300_000, 5, 2, 1, 10).replicas, 2);
  const up = normalizeWithoutBehavior({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] }, NOW, 300_000, 1, 50, 1, 100);
  assert.equal(up.replicas, 4);
  assert.equal(up.scalingLimited.reason, 'ScaleUpLimit');
});

test('behavior: a 1 pod per 15 s policy allows one step per period; Percent with selectPolicy Min', () => {
  const behavior = { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }] } };
  const m: HpaMemory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
  const first = normalizeWithBehavior(m, NOW, behavior, 300_000, 1, 5, 1, 10);
  assert.equal(first.replicas, 2);
  assert.equal(first.scalingLimited.reason, 'ScaleUpLimit');
  recordScale(m, behavior, NOW, 1, 2);
  assert.equal(normalizeWithBehavior(m, NOW + 5_000, behavior, 300_000, 2, 5, 1, 10).replicas, 2, 'still inside the period');
  assert.equal(normalizeWithBehavior(m, NOW + 16_000, behavior, 300_000, 2, 5, 1, 10).replicas, 3, 'the next period');
  const down = { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }, { type: 'Pods', value: 1, periodSeconds: 60 }] } };
  const d = normalizeWithBehavior({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] }, NOW, down, 300_000, 10, 1, 1, 10);
  assert.equal(d.replicas, 9, 'Min: the policy that removes least');
  assert.equal(d.scalingLimited.reason, 'ScaleDownLimit');
});
