import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../pod/types.js';
import type { ResourceQuota } from '../types.js';
import { matchingResources, missingDeclarations, podTotals, prettyPrint, quotaSelects, toResourceList, usageOf } from './usage.js';

const res = (cpu: string, memory?: string) => ({ requests: { cpu, ...(memory ? { memory } : {}) }, limits: { cpu } });
const pod = (spec: Record<string, unknown>, status?: Record<string, unknown>): Pod => ({ metadata: { name: 'p', namespace: 'n' }, spec: { containers: [], ...spec }, ...(status ? { status } : {}) }) as unknown as Pod;

test('pod totals: containers summed, init containers by max, sidecars added, overhead on top', () => {
  const p = pod({
    containers: [{ name: 'a', resources: res('100m') }, { name: 'b', resources: res('200m') }],
    initContainers: [{ name: 'side', restartPolicy: 'Always', resources: res('50m') }, { name: 'init', resources: res('1') }],
    overhead: { cpu: '10m' },
  });
  // max(350m, 1 + 50m sidecar) + 10m
  assert.equal(podTotals(p, 'requests').get('cpu')!.toString(), '1060m');
  const u = usageOf('', 'pods', p);
  assert.deepEqual(toResourceList(u, ['pods', 'count/pods', 'requests.cpu', 'cpu', 'limits.cpu']), { pods: '1', 'count/pods': '1', 'requests.cpu': '1060m', cpu: '1060m', 'limits.cpu': '1060m' });
  assert.equal(usageOf('', 'pods', pod({}, { phase: 'Succeeded' })).size, 0);
});

test('services, claims and object counts', () => {
  const svc = usageOf('', 'services', { metadata: {}, spec: { type: 'LoadBalancer', ports: [{ port: 1 }, { port: 2 }] } } as never);
  assert.equal(prettyPrint(svc), 'count/services=1,services=1,services.loadbalancers=1,services.nodeports=2');
  const pvc = usageOf('', 'persistentvolumeclaims', { metadata: {}, spec: { storageClassName: 'gold', resources: { requests: { storage: '1Gi' } } } } as never);
  assert.equal(pvc.get('gold.storageclass.storage.k8s.io/requests.storage')!.toString(), '1Gi');
  assert.equal(prettyPrint(usageOf('apps', 'deployments', { metadata: {} } as never)), 'count/deployments.apps=1');
  assert.equal(prettyPrint(usageOf('', 'secrets', { metadata: {} } as never)), 'count/secrets=1,secrets=1');
  assert.deepEqual(matchingResources('', 'pods', ['pods', 'requests.cpu', 'services', 'count/pods', 'limits.memory']), ['pods', 'requests.cpu', 'count/pods', 'limits.memory']);
});

test('scopes select pods; a quota on cpu makes containers declare it', () => {
  const q = (spec: ResourceQuota['spec']): ResourceQuota => ({ metadata: { name: 'q' }, spec }) as ResourceQuota;
  const bestEffort = pod({ containers: [{ name: 'a' }] });
  const burstable = pod({ containers: [{ name: 'a', resources: res('1') }], activeDeadlineSeconds: 5, priorityClassName: 'high' });
  assert.ok(quotaSelects(q({ scopes: ['BestEffort'] }), '', 'pods', bestEffort));
  assert.ok(!quotaSelects(q({ scopes: ['BestEffort'] }), '', 'pods', burstable));
  assert.ok(quotaSelects(q({ scopes: ['NotBestEffort', 'Terminating'] }), '', 'pods', burstable));
  assert.ok(!quotaSelects(q({ scopes: ['NotTerminating'] }), '', 'pods', burstable));
  const prio = q({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } });
  assert.ok(quotaSelects(prio, '', 'pods', burstable) && !quotaSelects(prio, '', 'pods', bestEffort));
  assert.ok(!quotaSelects(q({ scopes: ['BestEffort'] }), '', 'services', { metadata: {} } as never));
  assert.equal(missingDeclarations(bestEffort, ['requests.cpu', 'limits.memory', 'pods']), 'must specify limits.memory for: a; requests.cpu for: a');
  assert.equal(missingDeclarations(burstable, ['requests.cpu', 'limits.cpu']), undefined);
});
