import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storageKinds } from './kinds.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError } from '../../validation/field.js';
import type { KubeObject } from '../../meta/types.js';

const def = storageKinds[0]!;

const sc = (): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'ebs.csi.aws.com',
  parameters: { type: 'gp3', iops: '3000' },
  allowVolumeExpansion: true,
  mountOptions: ['debug'],
  volumeBindingMode: 'WaitForFirstConsumer',
  allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.ebs.csi.aws.com/zone', values: ['us-east-1a', 'us-east-1b'] }] }],
});

test('manifest has no unknown fields; a typo is caught', () => {
  assert.deepEqual(findUnknownFields(sc(), ref(def.schema)), []);
  const bad = { ...sc(), reclaimPolicyy: 'Retain' };
  assert.deepEqual(findUnknownFields(bad, ref(def.schema)), ['reclaimPolicyy']);
});

test('defaults reclaimPolicy Delete and volumeBindingMode Immediate', () => {
  const s: KubeObject = { metadata: { name: 'standard' }, provisioner: 'rancher.io/local-path' };
  def.default!(s);
  assert.equal(s.reclaimPolicy, 'Delete');
  assert.equal(s.volumeBindingMode, 'Immediate');
  assert.deepEqual(def.validateCreate!(s), []);
  assert.equal(def.tracksGeneration, false);
});

test('create validation', () => {
  const s = sc();
  def.default!(s);
  assert.deepEqual(def.validateCreate!(s), []);
  const bad: KubeObject = {
    metadata: { name: 'bad', namespace: 'x' },
    provisioner: '',
    parameters: { '': 'v' },
    reclaimPolicy: 'Recycle',
    volumeBindingMode: 'Later',
    allowedTopologies: [
      { matchLabelExpressions: [{ key: 'zone', values: [] }, { key: 'zone', values: ['a', 'a'] }] },
      { matchLabelExpressions: [{ key: 'z', values: ['a'] }] },
      { matchLabelExpressions: [{ key: 'z', values: ['a'] }] },
    ],
  };
  assert.deepEqual(def.validateCreate!(bad).map(formatFieldError), [
    'metadata.namespace: Forbidden: not allowed on this type',
    'provisioner: Required value',
    'parameters: Invalid value: "": field can not be empty.',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    'allowedTopologies[0].matchLabelExpressions[0].values: Required value',
    'allowedTopologies[0].matchLabelExpressions[1].values[1]: Duplicate value: "a"',
    'allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: "zone"',
    'allowedTopologies[2].matchLabelExpressions: Duplicate value: ""',
  ]);
});

test('provisioner, parameters, reclaimPolicy and volumeBindingMode are immutable; expansion is not', () => {
  const old = sc();
  def.default!(old);
  const grow = structuredClone(old);
  grow.allowVolumeExpansion = false;
  grow.mountOptions = ['ro'];
  assert.deepEqual(def.validateUpdate!(grow, old), []);
  const changed = structuredClone(old);
  Object.assign(changed, { provisioner: 'other.csi.io', parameters: { type: 'io2' }, reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate' });
  assert.deepEqual(def.validateUpdate!(changed, old).map(formatFieldError), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "Immediate": field is immutable',
  ]);
});
