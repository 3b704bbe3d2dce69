import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../schema/meta.js';
import { persistentVolumeKind } from './persistentvolume.js';
import { persistentVolumeClaimKind, SPEC_IMMUTABLE } from './persistentvolumeclaim.js';
import { messages, stored } from './testing/validation.js';
import type { PersistentVolume, PersistentVolumeClaim } from './types.js';

function pv(spec: PersistentVolume['spec']): PersistentVolume {
  return { metadata: { name: 'pv1' }, spec };
}
function pvc(spec: PersistentVolumeClaim['spec']): PersistentVolumeClaim {
  return { metadata: { name: 'data', namespace: 'default' }, spec };
}

test('PV defaults: Retain, Filesystem, Pending status on create', () => {
  const v = pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } });
  persistentVolumeKind.default!(v);
  persistentVolumeKind.prepareForCreate!(v);
  assert.equal(v.spec!.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(v.spec!.volumeMode, 'Filesystem');
  assert.equal(v.status?.phase, 'Pending');
  assert.deepEqual(messages(persistentVolumeKind.validateCreate!(v)), []);
});

test('PV validation: capacity, access modes, exactly one source, local needs affinity', () => {
  assert.deepEqual(messages(persistentVolumeKind.validateCreate!(pv({}))), [
    'spec.accessModes: Required value',
    'spec.capacity: Required value',
    'spec.capacity: Unsupported value: {}: supported values: "storage"',
    'spec: Required value: must specify a volume type',
  ]);
  const two = pv({ capacity: { storage: '0' }, accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'], hostPath: { path: '/a' }, nfs: { server: 'n', path: '/b' } });
  assert.deepEqual(messages(persistentVolumeKind.validateCreate!(two)), [
    'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
    'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    'spec.nfs: Forbidden: may not specify more than 1 volume type',
  ]);
  const local = pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt/disk' } });
  assert.deepEqual(messages(persistentVolumeKind.validateCreate!(local)), ['spec.nodeAffinity: Required value: Local volume requires node affinity']);
  local.spec!.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node1'] }] }] } };
  assert.deepEqual(messages(persistentVolumeKind.validateCreate!(local)), []);
});

test('PV source is immutable after creation', () => {
  const old = stored(pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], nfs: { server: 'a', path: '/x' } }));
  persistentVolumeKind.default!(old);
  const next = structuredClone(old);
  next.spec!.nfs = { server: 'b', path: '/x' };
  assert.deepEqual(messages(persistentVolumeKind.validateUpdate!(next, old)), ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation']);
  const grown = structuredClone(old);
  grown.spec!.capacity = { storage: '2Gi' };
  assert.deepEqual(messages(persistentVolumeKind.validateUpdate!(grown, old)), []);
});

test('PVC defaults and required fields', () => {
  const c = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
  persistentVolumeClaimKind.default!(c);
  persistentVolumeClaimKind.prepareForCreate!(c);
  assert.equal(c.spec!.volumeMode, 'Filesystem');
  assert.equal(c.status?.phase, 'Pending');
  assert.deepEqual(messages(persistentVolumeClaimKind.validateCreate!(c)), []);
  assert.deepEqual(messages(persistentVolumeClaimKind.validateCreate!(pvc({}))), ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']);
  assert.deepEqual(messages(persistentVolumeClaimKind.validateCreate!(pvc({ accessModes: ['ReadWriteAll' as 'ReadWriteOnce'], resources: { requests: { storage: '-1Gi' } } }))), [
    'spec.accessModes: Unsupported value: "ReadWriteAll": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero',
  ]);
});

test('PVC spec is immutable except the storage request of a bound claim and a first volumeName', () => {
  const old = stored(pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard' }));
  persistentVolumeClaimKind.default!(old);
  old.status = { phase: 'Bound' };
  const bind = structuredClone(old);
  bind.spec!.volumeName = 'pv-123';
  assert.deepEqual(messages(persistentVolumeClaimKind.validateUpdate!(bind, old)), []);
  const grow = structuredClone(old);
  grow.spec!.resources!.requests!['storage'] = '2Gi';
  assert.deepEqual(messages(persistentVolumeClaimKind.validateUpdate!(grow, old)), []);
  const shrink = structuredClone(old);
  shrink.spec!.resources!.requests!['storage'] = '500Mi';
  assert.deepEqual(messages(persistentVolumeClaimKind.validateUpdate!(shrink, old)), ['spec.resources.requests.storage: Forbidden: field can not be less than previous value']);
  const modes = structuredClone(old);
  modes.spec!.accessModes = ['ReadWriteMany'];
  assert.deepEqual(messages(persistentVolumeClaimKind.validateUpdate!(modes, old)), [`spec: Forbidden: ${SPEC_IMMUTABLE}`]);
  const pending = structuredClone(old);
  pending.status = { phase: 'Pending' };
  const growPending = structuredClone(pending);
  growPending.spec!.resources!.requests!['storage'] = '2Gi';
  assert.deepEqual(messages(persistentVolumeClaimKind.validateUpdate!(growPending, pending)), [`spec: Forbidden: ${SPEC_IMMUTABLE}`]);
});

test('PVC dataSource and dataSourceRef mirror each other', () => {
  const c = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, dataSource: { kind: 'PersistentVolumeClaim', name: 'src' } });
  persistentVolumeClaimKind.default!(c);
  persistentVolumeClaimKind.prepareForCreate!(c);
  assert.deepEqual(c.spec!.dataSourceRef, { kind: 'PersistentVolumeClaim', name: 'src' });
  assert.deepEqual(messages(persistentVolumeClaimKind.validateCreate!(c)), []);
  const bad = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, dataSource: { kind: 'Snapshot', name: 's' } });
  assert.deepEqual(messages(persistentVolumeClaimKind.validateCreate!(bad)), ['spec.dataSource: Invalid value: "Snapshot": must be \'PersistentVolumeClaim\' when referencing the default apiGroup']);
});
