import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coordinationKinds } from './kinds.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError } from '../../validation/field.js';
import type { KubeObject } from '../../meta/types.js';

const def = coordinationKinds[0]!;

const lease = (): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'node-1', namespace: 'kube-node-lease' },
  spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.123456Z', acquireTime: '2024-05-01T09:00:00.000000Z', leaseTransitions: 0 },
});

test('lease manifest has no unknown fields; a typo is caught', () => {
  assert.deepEqual(findUnknownFields(lease(), ref(def.schema)), []);
  const bad = lease() as any;
  bad.spec.holder = 'x';
  assert.deepEqual(findUnknownFields(bad, ref(def.schema)), ['spec.holder']);
});

test('lease validation', () => {
  assert.deepEqual(def.validateCreate!(lease()), []);
  const bad = lease() as any;
  bad.spec.leaseDurationSeconds = 0;
  bad.spec.leaseTransitions = -1;
  bad.spec.preferredHolder = 'node-2';
  assert.deepEqual(def.validateCreate!(bad).map(formatFieldError), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    'spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined',
  ]);
  bad.spec = { strategy: 'Random' };
  assert.deepEqual(def.validateCreate!(bad).map(formatFieldError), [
    'spec.strategy.strategy: Unsupported value: "Random": supported values: "OldestEmulationVersion"',
  ]);
  bad.spec = { strategy: 'example.com/custom', preferredHolder: 'a' };
  assert.deepEqual(def.validateCreate!(bad), []);
  const renewed = lease() as any;
  renewed.spec.renewTime = '2024-05-01T10:00:10.000000Z';
  assert.deepEqual(def.validateUpdate!(renewed, lease()), []);
  assert.equal(def.tracksGeneration, false);
});
