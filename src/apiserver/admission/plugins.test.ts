// LimitRanger, Priority, AlwaysPullImages and ResourceQuota admission on a fake cache: what
// each sets, and the exact refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/meta/types.js';
import { ApiError } from '../errors.js';
import { alwaysPullImages } from './always-pull-images.js';
import { limitRanger } from './limit-ranger.js';
import { priorityAdmission } from './priority.js';
import { QuotaAdmission } from './resource-quota.js';
import { fakeCache, fakeEntry } from './testing/fake-cache.js';

const pods = fakeEntry('', 'pods');
const limitRanges = fakeEntry('', 'limitranges');
const quotas = fakeEntry('', 'resourcequotas');
const classes = fakeEntry('scheduling.k8s.io', 'priorityclasses', false);

const pod = (name: string, containers: Record<string, unknown>[], spec: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: { containers, ...spec } }) as KubeObject;

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 403);
    return err.status.message ?? '';
  }
  assert.fail('expected a refusal');
}

test('LimitRanger: container defaults, min/max/ratio for containers and pods, PVC bounds', () => {
  const lr = {
    metadata: { name: 'l', namespace: 'ns' },
    spec: {
      limits: [
        { type: 'Container', default: { cpu: '200m' }, defaultRequest: { cpu: '100m' }, min: { cpu: '50m' }, maxLimitRequestRatio: { cpu: '4' } },
        { type: 'Pod', max: { cpu: '1' } },
        { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '5Gi' } },
      ],
    },
  };
  const check = limitRanger(fakeCache([[limitRanges, lr as KubeObject]]), limitRanges);
  const p = pod('a', [{ name: 'c' }, { name: 'd', resources: { requests: { cpu: '60m' } } }]);
  check(pods, p, 'create');
  const [c, d] = (p['spec'] as { containers: { resources: unknown }[] }).containers;
  assert.deepEqual(c!.resources, { limits: { cpu: '200m' }, requests: { cpu: '100m' } });
  assert.deepEqual(d!.resources, { requests: { cpu: '60m' }, limits: { cpu: '200m' } });
  assert.equal(p.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for container c; cpu limit for container c; cpu limit for container d');

  assert.equal(refusal(() => check(pods, pod('low', [{ name: 'c', resources: { requests: { cpu: '10m' }, limits: { cpu: '20m' } } }]), 'create')), 'pods "low" is forbidden: minimum cpu usage per Container is 50m, but request is 10m');
  assert.equal(
    refusal(() => check(pods, pod('ratio', [{ name: 'c', resources: { requests: { cpu: '50m' }, limits: { cpu: '500m' } } }]), 'create')),
    'pods "ratio" is forbidden: cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000',
  );
  assert.equal(
    refusal(() => check(pods, pod('wide', [1, 2, 3, 4, 5, 6].map((i) => ({ name: `c${i}`, resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } } }))), 'create')),
    'pods "wide" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m',
  );
  const claim = (size: string) => ({ metadata: { name: 'v', namespace: 'ns' }, spec: { resources: { requests: { storage: size } } } }) as KubeObject;
  const pvcs = fakeEntry('', 'persistentvolumeclaims');
  check(pvcs, claim('2Gi'), 'create');
  assert.equal(refusal(() => check(pvcs, claim('10Gi'), 'create')), 'persistentvolumeclaims "v" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi');
  assert.equal(refusal(() => check(pvcs, claim('1Mi'), 'update')), 'persistentvolumeclaims "v" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 1Mi');
});

test('Priority: class name to priority and preemption policy, the global default, refusals', () => {
  const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => [classes, { metadata: { name }, value, ...extra } as KubeObject] as [typeof classes, KubeObject];
  const check = priorityAdmission(fakeCache([pc('high', 100, { preemptionPolicy: 'Never' }), pc('dflt', 5, { globalDefault: true })]), classes);
  const named = pod('a', [{ name: 'c' }], { priorityClassName: 'high' });
  check(pods, named, 'create');
  assert.deepEqual([(named['spec'] as Record<string, unknown>)['priority'], (named['spec'] as Record<string, unknown>)['preemptionPolicy']], [100, 'Never']);
  const plain = pod('b', [{ name: 'c' }]);
  check(pods, plain, 'create');
  assert.deepEqual([(plain['spec'] as Record<string, unknown>)['priorityClassName'], (plain['spec'] as Record<string, unknown>)['priority']], ['dflt', 5]);
  assert.equal(refusal(() => check(pods, pod('x', [{ name: 'c' }], { priorityClassName: 'gone' }), 'create')), 'pods "x" is forbidden: no PriorityClass with name gone was found');
  assert.equal(
    refusal(() => check(pods, pod('y', [{ name: 'c' }], { priorityClassName: 'high', priority: 3 }), 'create')),
    'pods "y" is forbidden: the integer value of priority (3) must not be provided in pod spec; priority admission controller computed 100 from the given PriorityClass name',
  );
  assert.match(refusal(() => check(classes, { metadata: { name: 'other' }, value: 1, globalDefault: true } as KubeObject, 'create')), /PriorityClass dflt is marked as default. Only one default can exist/);
  check(classes, { metadata: { name: 'dflt' }, value: 6, globalDefault: true } as KubeObject, 'update');
});

test('AlwaysPullImages: new pods and new images pull always; unchanged images are left alone', () => {
  const check = alwaysPullImages();
  const p = pod('a', [{ name: 'c', image: 'x', imagePullPolicy: 'IfNotPresent' }], { initContainers: [{ name: 'i', image: 'y' }] });
  check(pods, p, 'create');
  const spec = p['spec'] as { containers: { imagePullPolicy?: string }[]; initContainers: { imagePullPolicy?: string }[] };
  assert.deepEqual([spec.containers[0]!.imagePullPolicy, spec.initContainers[0]!.imagePullPolicy], ['Always', 'Always']);
  const old = pod('a', [{ name: 'c', image: 'x', imagePullPolicy: 'IfNotPresent' }]);
  const same = structuredClone(old);
  check(pods, same, 'update', old);
  assert.equal((same['spec'] as typeof spec).containers[0]!.imagePullPolicy, 'IfNotPresent');
});

test('ResourceQuota admission: counts, reservations released, updates charged by their increase', () => {
  const services = fakeEntry('', 'services');
  const q = { metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { services: '2', 'services.nodeports': '1' } } } as KubeObject;
  const existing = { metadata: { name: 's0', namespace: 'ns' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } } as KubeObject;
  const admission = new QuotaAdmission(fakeCache([[quotas, q], [services, existing]]), quotas);
  const svc = (name: string, type = 'ClusterIP') => ({ metadata: { name, namespace: 'ns' }, spec: { type, ports: [{ port: 80 }] } }) as KubeObject;
  const release = admission.check(services, svc('s1'), 'create') as () => void;
  // s1 is admitted but not yet in the cache: its reservation counts.
  assert.equal(refusal(() => admission.check(services, svc('s2'), 'create')), 'services "s2" is forbidden: exceeded quota: q, requested: services=1, used: services=2, limited: services=2');
  release();
  admission.check(services, svc('s2'), 'create');
  // Turning the existing ClusterIP service into a NodePort one raises node ports by one: allowed once.
  admission.check(services, svc('s0', 'NodePort'), 'update', existing);
  const twoPorts = { ...svc('s0', 'NodePort'), spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 81 }] } } as KubeObject;
  assert.match(refusal(() => admission.check(services, twoPorts, 'update', existing)), /exceeded quota: q, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1/);
});
