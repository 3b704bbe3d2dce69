import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../schema/meta.js';
import { endpointsKind } from './endpoints.js';
import { eventKind } from './event.js';
import { limitRangeKind } from './limitrange.js';
import { nodeKind } from './node.js';
import { resourceQuotaKind } from './resourcequota.js';
import { messages, stored } from './testing/validation.js';
import type { Endpoints, Event, LimitRange, Node, ResourceQuota } from './types.js';

test('node: taints validated and unique by key and effect', () => {
  const n: Node = {
    metadata: { name: 'node1' },
    spec: {
      taints: [
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'dedicated', value: 'other', effect: 'NoSchedule' },
        { key: 'x', effect: 'Sometimes' as 'NoSchedule' },
      ],
    },
  };
  const errs = messages(nodeKind.validateCreate!(n));
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /^spec\.taints\[1\]: Duplicate value: .*: taints must be unique by key and effect pair$/);
  assert.equal(errs[1], 'spec.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"');
});

test('node: allocatable defaults to capacity, podCIDR mirrors podCIDRs, and both are fixed once set', () => {
  const n: Node = { metadata: { name: 'node1' }, spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } };
  nodeKind.default!(n);
  assert.deepEqual(n.spec!.podCIDRs, ['10.244.1.0/24']);
  assert.deepEqual(n.status!.allocatable, { cpu: '4', memory: '8Gi', pods: '110' });
  assert.deepEqual(messages(nodeKind.validateCreate!(n)), []);
  const old = stored(n);
  const next = structuredClone(old);
  next.spec = { podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24'], unschedulable: true };
  assert.deepEqual(messages(nodeKind.validateUpdate!(next, old)), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
  assert.equal(nodeKind.fieldSelectors!['spec.unschedulable']!(next), 'true');
  assert.equal(nodeKind.fieldSelectors!['spec.unschedulable']!(old), 'false');
});

test('node: capacity quantities must parse and be non-negative', () => {
  const n: Node = { metadata: { name: 'node1' }, status: { capacity: { cpu: '-1', memory: 'lots' }, allocatable: { cpu: '1' } } };
  const errs = messages(nodeKind.validateCreate!(n));
  assert.equal(errs[0], 'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0');
  assert.match(errs[1]!, /^status\.capacity\.memory: Invalid value: "lots": /);
});

test('endpoints: addresses required, IPs valid and not special, ports named when several', () => {
  const ep: Endpoints = {
    metadata: { name: 'web', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '127.0.0.1' }], ports: [{ port: 80, name: 'http' }, { port: 443 }] }, { ports: [{ port: 80 }] }],
  };
  endpointsKind.default!(ep);
  assert.equal(ep.subsets![0]!.ports![0]!.protocol, 'TCP');
  assert.deepEqual(messages(endpointsKind.validateCreate!(ep)), [
    'subsets[0].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[0].ports[1].name: Required value',
    'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
  ]);
});

test('event: involved object namespace must match; field selectors read the reference', () => {
  const ev: Event = { metadata: { name: 'web.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' }, reason: 'Started', source: { component: 'kubelet' }, type: 'Normal' };
  assert.deepEqual(messages(eventKind.validateCreate!(ev)), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  ev.involvedObject!.namespace = 'default';
  assert.deepEqual(messages(eventKind.validateCreate!(ev)), []);
  assert.equal(eventKind.fieldSelectors!['involvedObject.kind']!(ev), 'Pod');
  assert.equal(eventKind.fieldSelectors!['source']!(ev), 'kubelet');
  const modern: Event = { metadata: { name: 'e2', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, eventTime: '2024-01-01T00:00:00.000000Z' };
  // As upstream, an empty reporter is also judged (and rejected) as a qualified name.
  const errs = messages(eventKind.validateCreate!(modern));
  assert.deepEqual(
    errs.filter((e) => e.includes('Required value')),
    ['reportingComponent: Required value', 'reportingInstance: Required value', 'action: Required value', 'reason: Required value'],
  );
  assert.ok(errs.includes('reportingComponent: Invalid value: "": name part must be non-empty'));
  Object.assign(modern, { reportingComponent: 'kubernetes.io/kubelet', reportingInstance: 'kubelet-node1', action: 'Started', reason: 'Started' });
  assert.deepEqual(messages(eventKind.validateCreate!(modern)), []);
});

test('limitrange: container defaults derive from max and min; bounds must be ordered', () => {
  const lr: LimitRange = { metadata: { name: 'lim', namespace: 'default' }, spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { memory: '256Mi' } }] } };
  limitRangeKind.default!(lr);
  const item = lr.spec!.limits![0]!;
  assert.deepEqual(item.default, { memory: '256Mi', cpu: '2' });
  assert.deepEqual(item.defaultRequest, { memory: '256Mi', cpu: '2' });
  assert.deepEqual(messages(limitRangeKind.validateCreate!(lr)), []);
  const bad: LimitRange = { metadata: { name: 'lim', namespace: 'default' }, spec: { limits: [{ type: 'Pod', min: { cpu: '2' }, max: { cpu: '1' }, default: { cpu: '1' } }, { type: 'Pod' }] } };
  assert.deepEqual(messages(limitRangeKind.validateCreate!(bad)), [
    'spec.limits[0].default: Forbidden: may not be specified when `type` is \'Pod\'',
    'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
    'spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than default value 1',
    'spec.limits[1].type: Duplicate value: "Pod"',
  ]);
});

test('resourcequota: resource names, integer counts, scopes', () => {
  const rq: ResourceQuota = { metadata: { name: 'q', namespace: 'default' }, spec: { hard: { pods: '10', 'requests.cpu': '4', 'count/deployments.apps': '5', widgets: '1' } } };
  resourceQuotaKind.default!(rq);
  resourceQuotaKind.prepareForCreate!(rq);
  assert.deepEqual(messages(resourceQuotaKind.validateCreate!(rq)), ['spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota']);
  rq.spec!.hard = { pods: '1500m', services: '2' };
  rq.spec!.scopes = ['BestEffort', 'NotBestEffort'];
  assert.deepEqual(messages(resourceQuotaKind.validateCreate!(rq)), [
    'spec.hard[pods]: Invalid value: "1500m": must be an integer',
    'spec.scopes: Invalid value: []string{"BestEffort", "NotBestEffort"}: unsupported scope applied to resource',
    'spec.scopes: Invalid value: []string{"BestEffort", "NotBestEffort"}: unsupported scope applied to resource',
    'spec.scopes: Invalid value: []string{"BestEffort", "NotBestEffort"}: conflicting scopes',
  ]);
  const old = stored<ResourceQuota>({ metadata: { name: 'q', namespace: 'default' }, spec: { hard: { pods: '10' }, scopes: ['BestEffort'] } });
  const next = structuredClone(old);
  next.spec!.scopes = ['NotTerminating'];
  assert.deepEqual(messages(resourceQuotaKind.validateUpdate!(next, old)), ['spec.scopes: Invalid value: []string{"NotTerminating"}: field is immutable']);
});
