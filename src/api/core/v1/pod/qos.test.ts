import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeQOSClass } from './kinds.js';
import { defaultPod } from './defaults.js';
import { minimalPod } from './testing/pods.js';
import type { Pod, ResourceRequirements } from './types.js';

function podWith(...resources: ResourceRequirements[]): Pod {
  const p = minimalPod();
  p.spec!.containers = resources.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r }));
  return p;
}

test('no requests or limits is BestEffort', () => {
  assert.equal(computeQOSClass(podWith({})), 'BestEffort');
  // Only cpu and memory count.
  assert.equal(computeQOSClass(podWith({ limits: { 'ephemeral-storage': '1Gi' } })), 'BestEffort');
});

test('equal cpu and memory requests and limits in every container is Guaranteed', () => {
  assert.equal(computeQOSClass(podWith({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } })), 'Guaranteed');
  // Limits alone become requests through defaulting.
  const p = podWith({ limits: { cpu: '500m', memory: '128Mi' } }, { limits: { cpu: '1', memory: '1Gi' } });
  defaultPod(p);
  assert.equal(computeQOSClass(p), 'Guaranteed');
});

test('anything in between is Burstable', () => {
  assert.equal(computeQOSClass(podWith({ requests: { cpu: '100m' } })), 'Burstable');
  assert.equal(computeQOSClass(podWith({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } })), 'Burstable');
  assert.equal(computeQOSClass(podWith({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }, {})), 'Burstable');
  assert.equal(computeQOSClass(podWith({ limits: { cpu: '1' }, requests: { cpu: '1' } })), 'Burstable');
});
