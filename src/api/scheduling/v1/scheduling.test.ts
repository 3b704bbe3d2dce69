import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schedulingKinds } from './kinds.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError } from '../../validation/field.js';
import type { KubeObject } from '../../meta/types.js';

const def = schedulingKinds[0]!;
const errs = (o: KubeObject) => def.validateCreate!(o).map(formatFieldError);

const pc = (): KubeObject => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name: 'high-priority' },
  value: 1000000,
  globalDefault: false,
  description: 'For XYZ service pods only.',
});

test('manifest has no unknown fields; a typo is caught', () => {
  assert.deepEqual(findUnknownFields(pc(), ref(def.schema)), []);
  assert.deepEqual(findUnknownFields({ ...pc(), priority: 5 }, ref(def.schema)), ['priority']);
});

test('defaults preemptionPolicy and stamps generation 1', () => {
  const p = pc();
  def.default!(p);
  def.prepareForCreate!(p);
  assert.equal(p.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal(p.metadata.generation, 1);
  assert.deepEqual(errs(p), []);
});

test('value limits and the reserved system- prefix', () => {
  assert.deepEqual(errs({ ...pc(), value: 1000000001 }), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(errs({ metadata: { name: 'system-node-critical' }, value: 2000001000 }), []);
  assert.deepEqual(errs({ metadata: { name: 'system-cluster-critical' }, value: 5 }), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000",
  ]);
  assert.deepEqual(errs({ metadata: { name: 'system-mine' }, value: 5 }), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
  ]);
  assert.deepEqual(errs({ ...pc(), preemptionPolicy: 'Sometimes' }), ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']);
});

test('value and preemptionPolicy are immutable; description is not', () => {
  const old = pc();
  def.default!(old);
  const described = { ...structuredClone(old), description: 'changed', globalDefault: true };
  assert.deepEqual(def.validateUpdate!(described, old), []);
  const changed = { ...structuredClone(old), value: 7, preemptionPolicy: 'Never' };
  assert.deepEqual(def.validateUpdate!(changed, old).map(formatFieldError), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
});
