// White-box tests of the PV binder's syncs, after upstream's binder_test.go / delete_test.go /
// provision_test.go: caches filled from a fake client, one sync, and the writes and Events it made.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1/types.js';
import type { StorageClass } from '../../../api/storage/v1/types.js';
import { R } from '../../../client/resources.js';
import { FakeClient } from '../../../client/testing/fake-client.js';
import { FakeCaches } from '../../testing/fake-caches.js';
import { PersistentVolumeController } from './controller.js';

const NS = 'ns';

function volume(name: string, spec: Partial<NonNullable<PersistentVolume['spec']>> = {}, phase = 'Available', annotations?: Record<string, string>): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, ...(annotations ? { annotations } : {}) },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/${name}` }, ...spec },
    status: { phase },
  };
}

function claim(name: string, spec: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}, annotations?: Record<string, string>): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: NS, uid: `uid-${name}`, ...(annotations ? { annotations } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem', ...spec },
    status: { phase: 'Pending' },
  };
}

function storageClass(name: string, provisioner: string, extra: Partial<StorageClass> = {}): StorageClass {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, uid: `uid-sc-${name}`, creationTimestamp: '2025-01-01T00:00:00Z' }, provisioner, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', ...extra };
}

/** The writes as "verb resource[/sub] name", the readable trace of what a sync did. */
const trace = (fake: FakeClient) =>
  fake.writes().filter((a) => a.resource !== 'events').map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.name ?? ''}`.trim());

describe('PV binder (white-box)', () => {
  const caches = new FakeCaches();
  afterEach(() => caches.stop());

  async function setup(objs: { volumes?: PersistentVolume[]; claims?: PersistentVolumeClaim[]; classes?: StorageClass[] }) {
    const fake = new FakeClient()
      .add(R.persistentvolumes, ...(objs.volumes ?? []))
      .add(R.persistentvolumeclaims, ...(objs.claims ?? []))
      .add(R.storageclasses, ...(objs.classes ?? []));
    const ctrl = await caches.start(fake, (client, informers) => new PersistentVolumeController(client, informers, { resyncMs: 0 }));
    const events = async () => {
      await ctrl.flushEvents();
      return fake.writes('events').map((a) => {
        const e = a.body as { type?: string; reason?: string; message?: string; involvedObject?: { kind?: string; name?: string } };
        return `${e.type} ${e.reason} ${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.message}`;
      });
    };
    const pv = (name: string) => fake.object<PersistentVolume>(R.persistentvolumes, undefined, name);
    const pvc = (name: string) => fake.object<PersistentVolumeClaim>(R.persistentvolumeclaims, NS, name);
    return { fake, ctrl, events, pv, pvc };
  }

  it('binds a claim to the smallest fitting Available volume with the fewest extra modes: volume, its phase, claim, its status, in that order', async () => {
    const volumes = [volume('big', { capacity: { storage: '5Gi' } }), volume('fit', { capacity: { storage: '2Gi' } }), volume('multi', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] })];
    const { fake, ctrl, pv, pvc } = await setup({ volumes, claims: [claim('c')] });
    await ctrl.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(fake), ['update persistentvolumes fit', 'update persistentvolumes/status fit', 'update persistentvolumeclaims c', 'update persistentvolumeclaims/status c']);
    const v = pv('fit')!;
    assert.deepEqual({ ...v.spec?.claimRef, resourceVersion: undefined }, { kind: 'PersistentVolumeClaim', namespace: NS, name: 'c', uid: 'uid-c', apiVersion: 'v1', resourceVersion: undefined });
    assert.equal(v.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal(v.status?.phase, 'Bound');
    const c = pvc('c')!;
    assert.equal(c.spec?.volumeName, 'fit');
    assert.equal(c.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(c.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(c.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
    assert.equal(pv('big')?.spec?.claimRef, undefined);
    assert.equal(pv('multi')?.spec?.claimRef, undefined);

    // Level-based: syncing both again, before or after the informers catch up, writes nothing.
    fake.clearActions();
    await ctrl.syncClaimKey(`${NS}/c`);
    await ctrl.syncVolumeKey('fit');
    fake.deliver();
    await ctrl.syncClaimKey(`${NS}/c`);
    await ctrl.syncVolumeKey('fit');
    assert.deepEqual(trace(fake), []);
  });

  it('releases a Retain volume when its claim is gone and keeps it, claimRef and all', async () => {
    const bound = volume('kept', { claimRef: { kind: 'PersistentVolumeClaim', namespace: NS, name: 'gone', uid: 'uid-gone' } }, 'Bound');
    const { fake, ctrl, pv } = await setup({ volumes: [bound] });
    await ctrl.syncVolumeKey('kept');
    assert.deepEqual(trace(fake), ['update persistentvolumes/status kept']);
    assert.equal(pv('kept')?.status?.phase, 'Released');
    assert.equal(pv('kept')?.spec?.claimRef?.name, 'gone');
    fake.deliver();
    fake.clearActions();
    await ctrl.syncVolumeKey('kept');
    assert.deepEqual(trace(fake), [], 'a Released Retain volume is left alone');
  });

  it('deletes a released hostPath volume under /tmp (Delete), and fails one elsewhere with upstream\'s deleter message', async () => {
    const ref = (n: string) => ({ kind: 'PersistentVolumeClaim', namespace: NS, name: n, uid: `uid-${n}` });
    const tmp = volume('tmp', { persistentVolumeReclaimPolicy: 'Delete', claimRef: ref('a') }, 'Bound');
    const data = volume('data', { persistentVolumeReclaimPolicy: 'Delete', claimRef: ref('b'), hostPath: { path: '/data/x' } }, 'Bound');
    const nfs = volume('nfs', { persistentVolumeReclaimPolicy: 'Delete', claimRef: ref('c'), hostPath: undefined, nfs: { server: '10.0.0.1', path: '/exports' } }, 'Bound');
    const recycle = volume('recycle', { persistentVolumeReclaimPolicy: 'Recycle', claimRef: ref('d') }, 'Bound');
    const { fake, ctrl, pv, events } = await setup({ volumes: [tmp, data, nfs, recycle] });
    for (const n of ['tmp', 'data', 'nfs', 'recycle']) await ctrl.syncVolumeKey(n);
    assert.deepEqual(trace(fake), [
      'update persistentvolumes/status tmp',
      'delete persistentvolumes tmp',
      'update persistentvolumes/status data',
      'update persistentvolumes/status data',
      'update persistentvolumes/status nfs',
      'update persistentvolumes/status nfs',
      'update persistentvolumes/status recycle',
      'update persistentvolumes/status recycle',
    ]);
    assert.equal(pv('tmp'), undefined);
    assert.deepEqual([pv('data')?.status?.phase, pv('data')?.status?.message], ['Failed', 'host_path deleter only supports /tmp/.+ but received provided /data/x']);
    assert.equal(pv('nfs')?.status?.phase, 'Failed');
    assert.equal(pv('recycle')?.status?.phase, 'Failed');
    assert.deepEqual(await events(), [
      'Warning VolumeFailedDelete PersistentVolume/data: host_path deleter only supports /tmp/.+ but received provided /data/x',
      'Warning VolumeFailedDelete PersistentVolume/nfs: error getting deleter volume plugin for volume "nfs": no deletable volume plugin matched',
      'Warning VolumeFailedRecycle PersistentVolume/recycle: No recycler plugin found for the volume!',
    ]);
  });

  it('leaves a released volume of an external provisioner to that provisioner', async () => {
    const provisioned = volume('pvc-1', { persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: NS, name: 'gone', uid: 'uid-gone' } }, 'Bound', { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' });
    const { fake, ctrl, pv } = await setup({ volumes: [provisioned] });
    await ctrl.syncVolumeKey('pvc-1');
    assert.deepEqual(trace(fake), ['update persistentvolumes/status pvc-1']);
    assert.equal(pv('pvc-1')?.status?.phase, 'Released');
  });

  it('a claim with no class and no volume: FailedBinding, Pending; a default class appearing later is assigned to it', async () => {
    const { fake, ctrl, events, pvc } = await setup({ claims: [claim('c')] });
    await ctrl.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(fake), []);
    assert.deepEqual(await events(), ['Normal FailedBinding PersistentVolumeClaim/c: no persistent volumes available for this claim and no storage class is set']);
    const { fake: f2, ctrl: c2, pvc: pvc2 } = await setup({ claims: [claim('c')], classes: [storageClass('std', 'example.com/std', { metadata: { name: 'std', creationTimestamp: '2025-01-01T00:00:00Z', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } })] });
    await c2.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(f2), ['update persistentvolumeclaims c']);
    assert.equal(pvc2('c')?.spec?.storageClassName, 'std');
    assert.equal(pvc('c')?.spec?.storageClassName, undefined);
    // An explicit "" is a choice of no class: never defaulted.
    const { fake: f3, ctrl: c3 } = await setup({ claims: [claim('c', { storageClassName: '' })], classes: [storageClass('std', 'x.io/y', { metadata: { name: 'std', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } })] });
    await c3.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(f3), []);
  });

  it('a claim for a class that does not exist: ProvisioningFailed, nothing written', async () => {
    const { fake, ctrl, events } = await setup({ claims: [claim('c', { storageClassName: 'nope' })] });
    await ctrl.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(fake), []);
    assert.deepEqual(await events(), ['Warning ProvisioningFailed PersistentVolumeClaim/c: storageclass.storage.k8s.io "nope" not found']);
  });

  it('an Immediate class of an external provisioner: the claim is annotated for it, and ExternalProvisioning recorded', async () => {
    const { fake, ctrl, events, pvc } = await setup({ claims: [claim('c', { storageClassName: 'ext' })], classes: [storageClass('ext', 'example.com/disk'), storageClass('intree', 'kubernetes.io/no-provisioner')] });
    await ctrl.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(fake), ['update persistentvolumeclaims c']);
    const a = pvc('c')!.metadata.annotations!;
    assert.equal(a['volume.kubernetes.io/storage-provisioner'], 'example.com/disk');
    assert.equal(a['volume.beta.kubernetes.io/storage-provisioner'], 'example.com/disk');
    const [ev] = await events();
    assert.match(ev!, /^Normal ExternalProvisioning PersistentVolumeClaim\/c: Waiting for a volume to be created either by the external provisioner 'example\.com\/disk' or manually/);
    // A kubernetes.io/ provisioner names an in-tree plugin, and there are none.
    const { ctrl: c2, events: e2 } = await setup({ claims: [claim('d', { storageClassName: 'intree' })], classes: [storageClass('intree', 'kubernetes.io/no-provisioner')] });
    await c2.syncClaimKey(`${NS}/d`);
    assert.deepEqual(await e2(), ['Warning ProvisioningFailed PersistentVolumeClaim/d: no volume plugin matched name: kubernetes.io/no-provisioner']);
  });

  it('WaitForFirstConsumer: no binding to a free volume, the event says why; selected-node starts provisioning; a scheduler-written claimRef is completed', async () => {
    const wffc = storageClass('late', 'example.com/disk', { volumeBindingMode: 'WaitForFirstConsumer' });
    const free = volume('free', { storageClassName: 'late' });
    const { fake, ctrl, events, pvc, pv } = await setup({ volumes: [free], claims: [claim('c', { storageClassName: 'late' })], classes: [wffc] });
    await ctrl.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(fake), []);
    assert.deepEqual(await events(), ['Normal WaitForFirstConsumer PersistentVolumeClaim/c: waiting for first consumer to be created before binding']);

    const { fake: f2, ctrl: c2, pvc: pvc2 } = await setup({ claims: [claim('c', { storageClassName: 'late' }, { 'volume.kubernetes.io/selected-node': 'n1' })], classes: [wffc] });
    await c2.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(f2), ['update persistentvolumeclaims c']);
    assert.equal(pvc2('c')?.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'example.com/disk');

    // The scheduler's volume binding writes the volume's side; the binder completes the claim's.
    const chosen = volume('free', { storageClassName: 'late', claimRef: { kind: 'PersistentVolumeClaim', namespace: NS, name: 'c', uid: 'uid-c' } }, 'Available', { 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const { fake: f3, ctrl: c3, pvc: pvc3 } = await setup({ volumes: [chosen], claims: [claim('c', { storageClassName: 'late' }, { 'volume.kubernetes.io/selected-node': 'n1' })], classes: [wffc] });
    await c3.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(f3), ['update persistentvolumes/status free', 'update persistentvolumeclaims c', 'update persistentvolumeclaims/status c']);
    assert.equal(pvc3('c')?.status?.phase, 'Bound');
    assert.equal(pvc('c')?.status?.phase, 'Pending');
    assert.equal(pv('free')?.spec?.claimRef, undefined);
  });

  it('spec.volumeName pre-binding: binds that volume only, or says why not (VolumeMismatch)', async () => {
    const { fake, ctrl, events, pvc, pv } = await setup({ volumes: [volume('small', { capacity: { storage: '100Mi' } }), volume('other')], claims: [claim('c', { volumeName: 'small' })] });
    await ctrl.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(fake), []);
    assert.deepEqual(await events(), ['Warning VolumeMismatch PersistentVolumeClaim/c: Cannot bind to requested volume "small": requested PV is too small']);
    assert.equal(pv('other')?.spec?.claimRef, undefined);
    const { fake: f2, ctrl: c2, pvc: pvc2, pv: pv2 } = await setup({ volumes: [volume('wanted', { capacity: { storage: '5Gi' } }), volume('cheaper')], claims: [claim('c', { volumeName: 'wanted' })] });
    await c2.syncClaimKey(`${NS}/c`);
    assert.equal(pv2('wanted')?.spec?.claimRef?.uid, 'uid-c');
    // Pre-bound by the user: the volume gets bound-by-controller (the controller wrote its side), the claim does not.
    assert.equal(pv2('wanted')?.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal(pvc2('c')?.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
    assert.equal(pvc2('c')?.status?.phase, 'Bound');
    assert.equal(trace(f2).length, 4);
    assert.equal(pvc('c')?.status?.phase, 'Pending');
  });

  it('claimRef pre-binding on the volume: only the named claim gets it, and the volume stays Available until then', async () => {
    const reserved = volume('reserved', { claimRef: { namespace: NS, name: 'wanted' } }, 'Pending');
    const { fake, ctrl, pv, pvc } = await setup({ volumes: [reserved], claims: [claim('intruder'), claim('wanted')] });
    await ctrl.syncVolumeKey('reserved');
    assert.deepEqual(trace(fake), ['update persistentvolumes/status reserved']);
    assert.equal(pv('reserved')?.status?.phase, 'Available');
    fake.deliver();
    await ctrl.syncClaimKey(`${NS}/intruder`);
    assert.equal(pvc('intruder')?.spec?.volumeName, undefined);
    await ctrl.syncClaimKey(`${NS}/wanted`);
    assert.equal(pvc('wanted')?.spec?.volumeName, 'reserved');
    assert.equal(pv('reserved')?.spec?.claimRef?.uid, 'uid-wanted');
    assert.equal(pv('reserved')?.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined, 'the user wrote the volume\'s side');
  });

  it('a bound claim whose volume disappears is Lost (ClaimLost); one whose volume names another claim is Lost (ClaimMisbound)', async () => {
    const bound = claim('c', { volumeName: 'vanished' }, { 'pv.kubernetes.io/bind-completed': 'yes' });
    bound.status = { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } };
    const misbound = claim('m', { volumeName: 'shared' }, { 'pv.kubernetes.io/bind-completed': 'yes' });
    misbound.status = { phase: 'Bound' };
    const shared = volume('shared', { claimRef: { namespace: NS, name: 'm', uid: 'someone-else' } }, 'Bound');
    const { ctrl, events, pvc } = await setup({ volumes: [shared], claims: [bound, misbound] });
    await ctrl.syncClaimKey(`${NS}/c`);
    await ctrl.syncClaimKey(`${NS}/m`);
    assert.deepEqual(pvc('c')?.status, { phase: 'Lost' });
    assert.equal(pvc('m')?.status?.phase, 'Lost');
    assert.deepEqual(await events(), [
      'Warning ClaimLost PersistentVolumeClaim/c: Bound claim has lost its PersistentVolume. Data on the volume is lost!',
      'Warning ClaimMisbound PersistentVolumeClaim/m: Two claims are bound to the same volume, this one is bound incorrectly',
    ]);
  });

  it('a volume bound by the controller to a claim that took another volume is unbound and Available again', async () => {
    const loser = volume('loser', { claimRef: { namespace: NS, name: 'c', uid: 'uid-c' } }, 'Bound', { 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const c = claim('c', { volumeName: 'winner' }, { 'pv.kubernetes.io/bind-completed': 'yes' });
    const { fake, ctrl, pv } = await setup({ volumes: [loser, volume('winner', { claimRef: { namespace: NS, name: 'c', uid: 'uid-c' } }, 'Bound')], claims: [c] });
    await ctrl.syncVolumeKey('loser');
    assert.deepEqual(trace(fake), ['update persistentvolumes loser', 'update persistentvolumes/status loser']);
    const v = pv('loser')!;
    assert.equal(v.spec?.claimRef, undefined);
    assert.equal(v.metadata.annotations, undefined);
    assert.equal(v.status?.phase, 'Available');
  });

  it('keeps a volume bound when the claim is only missing from the cache (asks the API before releasing)', async () => {
    const bound = volume('v', { claimRef: { namespace: NS, name: 'fresh', uid: 'uid-fresh' } }, 'Bound');
    const { fake, ctrl, pv } = await setup({ volumes: [bound] });
    // Created after the caches synced, not yet delivered to them.
    fake.add(R.persistentvolumeclaims, claim('fresh', { volumeName: 'v' }, { 'pv.kubernetes.io/bind-completed': 'yes' }));
    fake.clearActions();
    await ctrl.syncVolumeKey('v');
    assert.deepEqual(trace(fake), []);
    assert.equal(pv('v')?.status?.phase, 'Bound');
  });
});

describe('PV binder and an external provisioner', () => {
  const caches = new FakeCaches();
  afterEach(() => caches.stop());

  it('binds the claim to the volume a provisioner made for it (provisionedVolume), with the class\'s reclaim policy, and leaves its deletion to the provisioner', async () => {
    const { provisionedVolume } = await import('../../../api/core/v1/provisioned-volume.js');
    const sc = storageClass('local', 'example.com/local', { reclaimPolicy: 'Retain', mountOptions: ['noatime'] });
    const c = claim('c', { storageClassName: 'local' }, { 'volume.kubernetes.io/storage-provisioner': 'example.com/local' });
    const made = provisionedVolume(c, sc, 'example.com/local', { hostPath: { path: '/var/lib/x' } });
    made.metadata.uid = 'uid-made';
    made.status = { phase: 'Pending' };
    assert.equal(made.metadata.name, 'pvc-uid-c');
    assert.equal(made.spec?.persistentVolumeReclaimPolicy, 'Retain');
    assert.deepEqual(made.spec?.mountOptions, ['noatime']);
    const fake = new FakeClient().add(R.persistentvolumes, made).add(R.persistentvolumeclaims, c).add(R.storageclasses, sc);
    const ctrl = await caches.start(fake, (client, informers) => new PersistentVolumeController(client, informers, { resyncMs: 0 }));
    await ctrl.syncClaimKey(`${NS}/c`);
    assert.deepEqual(trace(fake), ['update persistentvolumes/status pvc-uid-c', 'update persistentvolumeclaims c', 'update persistentvolumeclaims/status c']);
    const bound = fake.object<PersistentVolumeClaim>(R.persistentvolumeclaims, NS, 'c')!;
    assert.equal(bound.spec?.volumeName, 'pvc-uid-c');
    assert.equal(bound.status?.phase, 'Bound');
  });
});
