import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError, type FieldError } from '../../../validation/field.js';
import { defaultPod } from './defaults.js';
import { validatePodStatusUpdate, validatePodUpdate } from './validation.js';
import { minimalPod } from './testing/pods.js';
import type { Affinity, Pod } from './types.js';

const messages = (errs: FieldError[]) => errs.map(formatFieldError);

function stored(mutate: (p: Pod) => void = () => {}): Pod {
  const p = minimalPod();
  mutate(p);
  defaultPod(p);
  p.metadata.resourceVersion = '5';
  p.metadata.uid = 'u-1';
  return p;
}

function update(old: Pod, change: (p: Pod) => void): string[] {
  const next = structuredClone(old);
  change(next);
  defaultPod(next);
  return messages(validatePodUpdate(next, old));
}

test('image, activeDeadlineSeconds and tolerations additions may change', () => {
  const old = stored((p) => (p.spec!.tolerations = [{ key: 'a', operator: 'Exists' }]));
  assert.deepEqual(update(old, (p) => (p.spec!.containers[0]!.image = 'nginx:1.28')), []);
  assert.deepEqual(update(old, (p) => (p.spec!.activeDeadlineSeconds = 600)), []);
  assert.deepEqual(update(old, (p) => p.spec!.tolerations!.push({ key: 'b', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 })), []);
  assert.deepEqual(update(old, (p) => (p.metadata.labels = { extra: 'yes' })), []);
});

test('other spec changes are forbidden with upstream message', () => {
  const old = stored();
  const msgs = update(old, (p) => (p.spec!.containers[0]!.env = [{ name: 'A', value: '1' }]));
  assert.equal(msgs.length, 1);
  assert.ok(
    msgs[0]!.startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
    msgs[0],
  );
  assert.ok(msgs[0]!.includes('spec.containers[0].env'), msgs[0]);
});

test('containers may not be added or removed', () => {
  const old = stored();
  assert.deepEqual(update(old, (p) => p.spec!.containers.push({ name: 'b', image: 'x' })), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
});

test('tolerations may not be modified or removed', () => {
  const old = stored((p) => (p.spec!.tolerations = [{ key: 'a', operator: 'Exists' }]));
  const msgs = update(old, (p) => (p.spec!.tolerations = [{ key: 'c', operator: 'Exists' }]));
  assert.ok(msgs.includes('spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'), msgs.join('\n'));
});

test('activeDeadlineSeconds may only shrink', () => {
  const old = stored((p) => (p.spec!.activeDeadlineSeconds = 100));
  assert.deepEqual(update(old, (p) => (p.spec!.activeDeadlineSeconds = 50)), []);
  assert.deepEqual(update(old, (p) => (p.spec!.activeDeadlineSeconds = 200)), ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']);
  assert.deepEqual(update(old, (p) => delete p.spec!.activeDeadlineSeconds), ['spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value']);
});

test('scheduling gates may only be removed; gated pods may gain nodeSelector entries', () => {
  const old = stored((p) => {
    p.spec!.schedulingGates = [{ name: 'example.com/a' }];
    p.spec!.nodeSelector = { zone: 'a' };
  });
  assert.deepEqual(update(old, (p) => (p.spec!.schedulingGates = [])), []);
  assert.deepEqual(update(old, (p) => (p.spec!.nodeSelector = { zone: 'a', disk: 'ssd' })), []);
  assert.ok(update(old, (p) => (p.spec!.nodeSelector = { zone: 'b' }))[0]!.startsWith('spec.nodeSelector: Invalid value'));
  assert.deepEqual(update(old, (p) => p.spec!.schedulingGates!.push({ name: 'example.com/b' })), [
    "spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/b'",
  ]);
});

test('metadata update rules apply', () => {
  const old = stored();
  assert.ok(update(old, (p) => (p.metadata.name = 'other')).includes('metadata.name: Invalid value: "other": field is immutable'));
});

test('status updates: nodeName, terminal states, IPs', () => {
  const old = stored((p) => (p.spec!.restartPolicy = 'Never'));
  old.status = { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { terminated: { exitCode: 1 } } }] };

  const revive = structuredClone(old);
  revive.status!.containerStatuses![0]!.state = { running: {} };
  assert.deepEqual(messages(validatePodStatusUpdate(revive, old)), ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state']);

  const bind = structuredClone(old);
  bind.spec!.nodeName = 'n1';
  assert.ok(messages(validatePodStatusUpdate(bind, old)).includes('status.nodeName: Forbidden: may not be changed directly'));

  const ips = structuredClone(old);
  ips.status!.podIPs = [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }];
  assert.ok(messages(validatePodStatusUpdate(ips, old)).some((m) => m.startsWith('status.podIPs: Invalid value') && m.endsWith('may specify no more than one IP for each IP family')));

  const good = structuredClone(old);
  good.status!.podIPs = [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }];
  good.status!.conditions = [{ type: 'Ready', status: 'False' }];
  assert.deepEqual(validatePodStatusUpdate(good, old), []);
});

test('an invalid node affinity label value already stored does not block updates; a new one is refused', () => {
  const affinity = (value: string): Affinity => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: [value] }] }] } },
  });
  const legacy = stored((p) => (p.spec!.affinity = affinity('bad value')));
  assert.deepEqual(update(legacy, (p) => (p.metadata.labels = { app: 'web' })), []);
  const clean = stored((p) => (p.spec!.affinity = affinity('a')));
  const msgs = update(clean, (p) => (p.spec!.affinity = affinity('bad value')));
  assert.ok(msgs.some((m) => m.startsWith('spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]: Invalid value: "bad value"')), msgs.join('\n'));
});
