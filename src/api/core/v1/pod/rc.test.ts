import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError, type FieldError } from '../../../validation/field.js';
import { defaultReplicationController } from './defaults.js';
import { validatePodTemplate, validateReplicationController, validateReplicationControllerStatusUpdate } from './validation.js';
import { minimalRC } from './testing/pods.js';
import type { ReplicationController } from './types.js';

const messages = (errs: FieldError[]) => errs.map(formatFieldError);

function check(mutate: (rc: ReplicationController) => void): string[] {
  const rc = minimalRC();
  mutate(rc);
  defaultReplicationController(rc);
  return messages(validateReplicationController(rc));
}

test('a defaulted RC is valid', () => {
  assert.deepEqual(check(() => {}), []);
});

test('selector must match the template labels', () => {
  assert.deepEqual(check((rc) => (rc.spec!.selector = { app: 'other' })), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`']);
});

test('replicas must not be negative, restartPolicy must be Always', () => {
  assert.deepEqual(check((rc) => (rc.spec!.replicas = -1)), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(check((rc) => (rc.spec!.template!.spec!.restartPolicy = 'Never')), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
});

test('template is required, and validated as a pod spec', () => {
  const noTemplate = check((rc) => {
    delete rc.spec!.template;
    rc.spec!.selector = { app: 'x' };
  });
  assert.deepEqual(noTemplate, ['spec.template: Required value']);
  assert.deepEqual(check((rc) => (rc.spec!.template!.spec!.containers = [])), ['spec.template.spec.containers: Required value']);
});

test('status counts are bounded by replicas', () => {
  const old = minimalRC();
  defaultReplicationController(old);
  const next = structuredClone(old);
  next.status = { replicas: 1, readyReplicas: 2, availableReplicas: 1 };
  assert.deepEqual(messages(validateReplicationControllerStatusUpdate(next, old)), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
});

test('pod templates are validated', () => {
  const errs = messages(validatePodTemplate({ metadata: { name: 't', namespace: 'd' }, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } }));
  assert.ok(errs.includes('template.spec.restartPolicy: Required value'), errs.join('\n'));
});
