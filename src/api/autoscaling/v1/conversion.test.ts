import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError } from '../../validation/field.js';
import { horizontalPodAutoscalerV2Kind } from '../v2/kinds.js';
import type { HorizontalPodAutoscaler as V2HPA } from '../v2/types.js';
import { behaviorAnnotation, conditionsAnnotation, hpaFromV2, hpaToV2, metricSpecsAnnotation, metricStatusesAnnotation } from './conversion.js';
import { horizontalPodAutoscalerV1Kind } from './kinds.js';
import type { HorizontalPodAutoscaler as V1HPA } from './types.js';

const v1Hpa = (): V1HPA => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'php-apache', namespace: 'default', labels: { app: 'php' } },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'php-apache' }, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 },
});

test('v1 CPU target becomes a v2 Resource metric and comes back unchanged', () => {
  const stored = hpaToV2(v1Hpa());
  assert.equal(stored.apiVersion, 'autoscaling/v2');
  assert.deepEqual(stored.spec!.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
  assert.deepEqual(stored.metadata.labels, { app: 'php' });
  const back = hpaFromV2(stored);
  assert.deepEqual(back, v1Hpa());
});

test('a v1 autoscaler without a target is stored with the implied 80% CPU target', () => {
  const hpa = v1Hpa();
  delete hpa.spec!.targetCPUUtilizationPercentage;
  const stored = hpaToV2(hpa);
  assert.deepEqual(stored.spec!.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.equal(hpaFromV2(stored).spec!.targetCPUUtilizationPercentage, 80);
});

const richV2 = (): V2HPA => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', annotations: { owner: 'team-a' } },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 20,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      { type: 'External', external: { metric: { name: 'queue_messages', selector: { matchLabels: { queue: 'jobs' } } }, target: { type: 'Value', value: '30' } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] } },
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 75, averageValue: '150m' } } }],
    conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' }],
  },
});

test('a v2 autoscaler read through v1 keeps everything else in annotations, and writes back whole', () => {
  const stored = richV2();
  horizontalPodAutoscalerV2Kind.default!(stored);
  const v1 = hpaFromV2(stored);
  assert.equal(v1.spec!.targetCPUUtilizationPercentage, 60);
  assert.equal(v1.status!.currentCPUUtilizationPercentage, 75);
  const ann = v1.metadata.annotations!;
  assert.equal(ann['owner'], 'team-a');
  const others = JSON.parse(ann[metricSpecsAnnotation]!);
  assert.deepEqual(others, [
    { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
    { type: 'Pods', pods: { metricName: 'packets-per-second', targetAverageValue: '1k' } },
    { type: 'External', external: { metricName: 'queue_messages', metricSelector: { matchLabels: { queue: 'jobs' } }, targetValue: '30' } },
  ]);
  assert.deepEqual(JSON.parse(ann[metricStatusesAnnotation]!), [{ type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 75, currentAverageValue: '150m' } }]);
  assert.equal(JSON.parse(ann[conditionsAnnotation]!)[0].reason, 'ReadyForNewScale');
  // Behavior is marshaled from upstream's internal struct, hence the capitalized names.
  const behavior = JSON.parse(ann[behaviorAnnotation]!);
  assert.equal(behavior.ScaleDown.StabilizationWindowSeconds, 120);
  assert.equal(behavior.ScaleUp.SelectPolicy, 'Max');

  const again = hpaToV2(v1);
  assert.deepEqual(again.metadata.annotations, { owner: 'team-a' });
  // The CPU target moves behind the restored metrics, as upstream's conversion orders them.
  assert.deepEqual(again.spec!.metrics, [...stored.spec!.metrics!.slice(1), stored.spec!.metrics![0]]);
  assert.deepEqual(again.spec!.behavior, stored.spec!.behavior);
  assert.deepEqual(again.status!.currentMetrics, stored.status!.currentMetrics);
  assert.deepEqual(again.status!.conditions, stored.status!.conditions);
  assert.equal(again.status!.desiredReplicas, 4);
});

test('v2 defaults: minReplicas 1, CPU 80% metric, behavior completed only when given', () => {
  const bare: V2HPA = { metadata: { name: 'x' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3 } };
  horizontalPodAutoscalerV2Kind.default!(bare);
  assert.equal(bare.spec!.minReplicas, 1);
  assert.deepEqual(bare.spec!.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.equal(bare.spec!.behavior, undefined);
  const withBehavior: V2HPA = { metadata: { name: 'x' }, spec: { maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } };
  horizontalPodAutoscalerV2Kind.default!(withBehavior);
  assert.deepEqual(withBehavior.spec!.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
});

test('validation: replica bounds, target reference, metric sources, behavior limits', () => {
  const hpa: V2HPA = {
    metadata: { name: 'x', namespace: 'default' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: '' },
      minReplicas: 5,
      maxReplicas: 2,
      behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 3600 }] } },
    },
  };
  horizontalPodAutoscalerV2Kind.default!(hpa);
  assert.deepEqual(horizontalPodAutoscalerV2Kind.validateCreate!(hpa).map(formatFieldError), [
    'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    'spec.scaleTargetRef.name: Required value',
    'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 3600: must be less than or equal to 1800',
  ]);
  hpa.spec = { scaleTargetRef: { kind: 'Deployment', name: 'x' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } }, external: { metric: { name: 'm' } } }] };
  assert.deepEqual(horizontalPodAutoscalerV2Kind.validateCreate!(hpa).map(formatFieldError), [
    'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    'spec.metrics[0].external: Forbidden: must populate the given metric source only',
  ]);
});

test('the v1 kind is stored as v2 and validated in the v2 shape', () => {
  const s = horizontalPodAutoscalerV1Kind.storedAs!;
  assert.deepEqual([s.group, s.version], ['autoscaling', 'v2']);
  const hpa = v1Hpa();
  hpa.spec!.targetCPUUtilizationPercentage = 0;
  horizontalPodAutoscalerV1Kind.default!(hpa);
  assert.deepEqual(horizontalPodAutoscalerV1Kind.validateCreate!(hpa).map(formatFieldError), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(findUnknownFields(hpa, ref(horizontalPodAutoscalerV1Kind.schema)), []);
  assert.deepEqual(findUnknownFields(s.toStorage(hpa), ref(horizontalPodAutoscalerV2Kind.schema)), []);
});

test('a v1 update keeps the status carried in annotations, a v1 create drops it', () => {
  const old = hpaFromV2(richV2());
  const next = structuredClone(old);
  next.metadata.annotations = { owner: 'team-b' };
  horizontalPodAutoscalerV1Kind.prepareForUpdate!(next, old);
  assert.equal(next.metadata.annotations![conditionsAnnotation], old.metadata.annotations![conditionsAnnotation]);
  assert.equal(next.metadata.annotations![metricStatusesAnnotation], old.metadata.annotations![metricStatusesAnnotation]);
  assert.equal(next.metadata.annotations!['owner'], 'team-b');
  const fresh = structuredClone(old);
  horizontalPodAutoscalerV1Kind.prepareForCreate!(fresh);
  assert.equal(fresh.metadata.annotations![conditionsAnnotation], undefined);
  assert.deepEqual(fresh.status, { currentReplicas: 0, desiredReplicas: 0 });
});
