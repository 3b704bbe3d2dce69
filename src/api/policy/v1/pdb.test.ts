import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError } from '../../validation/field.js';
import { podDisruptionBudgetKind } from './kinds.js';
import type { PodDisruptionBudget } from './types.js';

const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({ metadata: { name: 'zk-pdb', namespace: 'default' }, spec });
const messages = (p: PodDisruptionBudget) => podDisruptionBudgetKind.validateCreate!(p).map(formatFieldError);

test('a budget with minAvailable and a selector is valid and starts with zeroed counters', () => {
  const p = pdb({ minAvailable: 2, selector: { matchLabels: { app: 'zookeeper' } } });
  podDisruptionBudgetKind.prepareForCreate!(p);
  assert.deepEqual(p.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  assert.deepEqual(messages(p), []);
  assert.deepEqual(findUnknownFields(p, ref(podDisruptionBudgetKind.schema)), []);
});

test('minAvailable and maxUnavailable exclude each other', () => {
  const errs = podDisruptionBudgetKind.validateCreate!(pdb({ minAvailable: 1, maxUnavailable: '50%' }));
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec');
  assert.equal(errs[0]!.detail, 'minAvailable and maxUnavailable cannot be both set');
});

test('percentages are checked for form and range, counts for sign', () => {
  assert.deepEqual(messages(pdb({ maxUnavailable: '120%' })), ['spec.maxUnavailable: Invalid value: "120%": must not be greater than 100%']);
  assert.deepEqual(messages(pdb({ minAvailable: -1 })), ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']);
  assert.equal(messages(pdb({ minAvailable: 'half' }))[0]!.startsWith(`spec.minAvailable: Invalid value: "half": a valid percent string`), true);
});

test('eviction policy and selector operators are validated', () => {
  assert.deepEqual(messages(pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' })), [
    'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
  ]);
  const bad = messages(pdb({ minAvailable: 1, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }));
  assert.deepEqual(bad, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]);
});

test('status updates reject negative counters and malformed conditions', () => {
  const old = pdb({ minAvailable: 1 });
  old.metadata.resourceVersion = '4';
  const next = structuredClone(old);
  next.status = { disruptionsAllowed: -1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, conditions: [{ type: 'DisruptionAllowed', status: 'Maybe' as never, reason: 'bad reason' }] };
  assert.deepEqual(podDisruptionBudgetKind.validateStatusUpdate!(next, old).map(formatFieldError), [
    'status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0',
    'status.conditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
    'status.conditions[0].lastTransitionTime: Required value: must be set',
    `status.conditions[0].reason: Invalid value: "bad reason": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'ResourceReady',  or 'Resource_Ready', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')`,
  ]);
});
