import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingKind, podFieldSelectors, podKind, podKinds, replicationControllerKind } from './kinds.js';
import { minimalPod, minimalRC } from './testing/pods.js';

test('kinds are registered with upstream names', () => {
  assert.deepEqual(podKinds.map((k) => `${k.kind}/${k.plural}`), ['Pod/pods', 'PodTemplate/podtemplates', 'ReplicationController/replicationcontrollers', 'Binding/bindings']);
  assert.deepEqual(podKind.shortNames, ['po']);
  assert.deepEqual(replicationControllerKind.shortNames, ['rc']);
  assert.deepEqual(bindingKind.verbs, ['create']);
  assert.equal(podKind.tracksGeneration, false);
});

test('create resets pod status to Pending with its QoS class', () => {
  const pod = minimalPod();
  pod.status = { phase: 'Running', podIP: '1.2.3.4' };
  podKind.default!(pod);
  podKind.prepareForCreate!(pod);
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });

  const gated = minimalPod();
  gated.spec!.schedulingGates = [{ name: 'example.com/wait' }];
  podKind.prepareForCreate!(gated);
  assert.equal(gated.status!.conditions![0]!.reason, 'SchedulingGated');
});

test('update keeps the stored status', () => {
  const old = minimalPod();
  old.status = { phase: 'Running' };
  const next = minimalPod();
  next.status = { phase: 'Failed' };
  podKind.prepareForUpdate!(next, old);
  assert.equal(next.status!.phase, 'Running');
});

test('deletion grace period', () => {
  const pod = minimalPod();
  pod.spec!.terminationGracePeriodSeconds = 45;
  assert.equal(podKind.deletionGracePeriod!(pod, undefined), 0, 'unbound pods go at once');
  pod.spec!.nodeName = 'n1';
  assert.equal(podKind.deletionGracePeriod!(pod, undefined), 45);
  assert.equal(podKind.deletionGracePeriod!(pod, 5), 5);
  assert.equal(podKind.deletionGracePeriod!(pod, -3), 1);
  pod.status = { phase: 'Succeeded' };
  assert.equal(podKind.deletionGracePeriod!(pod, 5), 0);
});

test('field selectors', () => {
  const pod = minimalPod();
  pod.spec!.nodeName = 'n1';
  pod.spec!.hostNetwork = true;
  pod.status = { phase: 'Running', podIPs: [{ ip: '10.244.1.2' }] };
  assert.equal(podFieldSelectors['spec.nodeName']!(pod), 'n1');
  assert.equal(podFieldSelectors['spec.hostNetwork']!(pod), 'true');
  assert.equal(podFieldSelectors['status.phase']!(pod), 'Running');
  assert.equal(podFieldSelectors['status.podIP']!(pod), '10.244.1.2');
  assert.equal(podFieldSelectors['status.nominatedNodeName']!(pod), '');
});

test('replication controllers: scale paths and fresh status', () => {
  const rc = minimalRC();
  replicationControllerKind.default!(rc);
  replicationControllerKind.prepareForCreate!(rc);
  assert.deepEqual(rc.status, { replicas: 0 });
  assert.equal(replicationControllerKind.scale!.specReplicasPath, 'spec.replicas');
  assert.equal(replicationControllerKind.validateCreate!(rc).length, 0);
});

test('matchLabelKeys are folded into the affinity selector on create', () => {
  const pod = minimalPod();
  pod.metadata.labels = { app: 'a', version: 'v2' };
  pod.spec!.affinity = {
    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'a' } }, matchLabelKeys: ['version'] }] },
  };
  podKind.prepareForCreate!(pod);
  assert.deepEqual(pod.spec!.affinity.podAntiAffinity!.requiredDuringSchedulingIgnoredDuringExecution![0]!.labelSelector!.matchExpressions, [{ key: 'version', operator: 'In', values: ['v2'] }]);
});
