// The storage control plane as a kubectl user meets it, on sim nodes: the seeds' PV/PVC lab
// (hostPath PV Available, a claim Bound, the claim deleted: Retain leaves Released, Delete removes
// the volume, an NFS volume with Delete goes Failed), `get pv,pvc,sc` columns and `describe`,
// protection (a claim in use stays Terminating until its pod is gone; a bound PV until its claim
// is), DefaultStorageClass admission, StatefulSet claims under each retention policy, ephemeral
// volumes, and bad input (a claim for a missing class, an invalid PV, a resize the class forbids).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const pv = (name: string, opts: { size?: string; policy?: string; cls?: string; path?: string; labels?: string } = {}) => `apiVersion: v1
kind: PersistentVolume
metadata:
  name: ${name}${opts.labels ? `\n  labels: {${opts.labels}}` : ''}
spec:
  capacity: {storage: ${opts.size ?? '1Gi'}}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: ${opts.policy ?? 'Retain'}
  storageClassName: "${opts.cls ?? 'manual'}"
  hostPath: {path: ${opts.path ?? `/tmp/k8ts-test/${name}`}}
`;
const pvc = (name: string, opts: { size?: string; cls?: string | null; volume?: string } = {}) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: ${opts.size ?? '1Gi'}}}${opts.cls === null ? '' : `\n  storageClassName: "${opts.cls ?? 'manual'}"`}${opts.volume ? `\n  volumeName: ${opts.volume}` : ''}
`;
const podUsing = (name: string, claim: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: c, image: busybox, volumeMounts: [{name: data, mountPath: /data}]}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: ${claim}}}]
`;
const statefulSet = (name: string, replicas: number, policy?: { whenDeleted: string; whenScaled: string }) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  serviceName: ${name}
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: ${name}}}${policy ? `\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: ${policy.whenDeleted}, whenScaled: ${policy.whenScaled}}` : ''}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: busybox, volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], storageClassName: "", resources: {requests: {storage: 1Gi}}}
`;

interface Obj {
  metadata: { name: string; uid: string; finalizers?: string[]; deletionTimestamp?: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
  spec: { volumeName?: string; storageClassName?: string; claimRef?: { name?: string; namespace?: string } };
  status?: { phase?: string; message?: string; lastPhaseTransitionTime?: string; capacity?: Record<string, string>; accessModes?: string[] };
}

describe('storage control plane through kubectl', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ simNodes: 2, controlPlane: { pvBinderSyncPeriodMs: 1000, podGc: { quarantineMs: 1000, periodMs: 500 } } });
  });
  after(async () => {
    await c?.stop();
  });

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await c.kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }
  const get = async (kind: string, name: string): Promise<Obj | undefined> => {
    const r = await c.kubectl(['get', kind, name, '-o', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as Obj) : undefined;
  };
  const phase = async (kind: string, name: string) => (await get(kind, name))?.status?.phase;
  const events = async (name: string) => ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message', '--no-headers']);

  it('the seeds\' PV/PVC lab: Available, Bound, then Released (Retain), removed (Delete), Failed (NFS with Delete)', async () => {
    await ok(['apply', '-f', '-'], pv('pv-retain') + '---\n' + pv('pv-delete', { policy: 'Delete', size: '2Gi', cls: 'scratch' }));
    await eventually(async () => (await phase('pv', 'pv-retain')) === 'Available' && (await phase('pv', 'pv-delete')) === 'Available');
    const v = (await get('pv', 'pv-retain'))!;
    assert.deepEqual(v.metadata.finalizers, ['kubernetes.io/pv-protection']);
    assert.ok(v.status?.lastPhaseTransitionTime);

    const table = await ok(['get', 'pv']);
    assert.match(table.split('\n')[0]!, /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/);
    assert.match(table, /\npv-retain\s+1Gi\s+RWO\s+Retain\s+Available\s+manual\s+<unset>\s+\d+s\n/);

    await ok(['apply', '-f', '-'], pvc('claim-retain') + '---\n' + pvc('claim-delete', { cls: 'scratch' }));
    await eventually(async () => (await phase('pvc', 'claim-retain')) === 'Bound' && (await phase('pvc', 'claim-delete')) === 'Bound');
    const claim = (await get('pvc', 'claim-retain'))!;
    assert.equal(claim.spec.volumeName, 'pv-retain');
    assert.deepEqual(claim.status?.capacity, { storage: '1Gi' });
    assert.deepEqual(claim.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.equal(claim.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    await eventually(async () => (await phase('pv', 'pv-retain')) === 'Bound');

    const both = await ok(['get', 'pv,pvc']);
    assert.match(both, /persistentvolume\/pv-retain\s+1Gi\s+RWO\s+Retain\s+Bound\s+default\/claim-retain\s+manual\s+<unset>\s+\d+s/);
    assert.match(both, /NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE/);
    assert.match(both, /persistentvolumeclaim\/claim-retain\s+Bound\s+pv-retain\s+1Gi\s+RWO\s+manual\s+<unset>\s+\d+s/);
    assert.match(both, /persistentvolumeclaim\/claim-delete\s+Bound\s+pv-delete\s+2Gi\s+RWO\s+scratch/);

    const dpv = await ok(['describe', 'pv', 'pv-retain']);
    for (const line of [/^Name:\s+pv-retain$/m, /^Finalizers:\s+\[kubernetes\.io\/pv-protection\]$/m, /^StorageClass:\s+manual$/m, /^Status:\s+Bound$/m, /^Claim:\s+default\/claim-retain$/m, /^Reclaim Policy:\s+Retain$/m, /^Access Modes:\s+RWO$/m, /^VolumeMode:\s+Filesystem$/m, /^Capacity:\s+1Gi$/m, /Type:\s+HostPath \(bare host directory volume\)/, /Path:\s+\/tmp\/k8ts-test\/pv-retain/]) {
      assert.match(dpv, line);
    }
    const dpvc = await ok(['describe', 'pvc', 'claim-retain']);
    for (const line of [/^Name:\s+claim-retain$/m, /^Namespace:\s+default$/m, /^Status:\s+Bound$/m, /^Volume:\s+pv-retain$/m, /pv\.kubernetes\.io\/bind-completed: yes/, /^Capacity:\s+1Gi$/m, /^Access Modes:\s+RWO$/m, /^Used By:\s+<none>$/m]) {
      assert.match(dpvc, line);
    }

    await ok(['delete', 'pvc', 'claim-retain', 'claim-delete']);
    await eventually(async () => (await phase('pv', 'pv-retain')) === 'Released');
    assert.equal((await get('pv', 'pv-retain'))?.spec.claimRef?.name, 'claim-retain', 'a released volume keeps its claimRef');
    await eventually(async () => (await get('pv', 'pv-delete')) === undefined);
    assert.match(await ok(['get', 'pv', 'pv-retain']), /pv-retain\s+1Gi\s+RWO\s+Retain\s+Released\s+default\/claim-retain/);

    // The seeds' NFS volume: Delete, and no deleter for NFS.
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: PersistentVolume
metadata: {name: nfsserver}
spec:
  capacity: {storage: 50Gi}
  volumeMode: Filesystem
  accessModes: [ReadWriteOnce, ReadWriteMany]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: slow
  mountOptions: [hard, nfsvers=4.1]
  nfs: {path: /exports, server: 172.22.0.42}
---
${pvc('nfs-claim', { cls: 'slow', size: '10Gi' })}`);
    await eventually(async () => (await phase('pvc', 'nfs-claim')) === 'Bound');
    await ok(['delete', 'pvc', 'nfs-claim']);
    await eventually(async () => (await phase('pv', 'nfsserver')) === 'Failed');
    assert.match(await ok(['describe', 'pv', 'nfsserver']), /^Message:\s+error getting deleter volume plugin for volume "nfsserver": no deletable volume plugin matched$/m);
    assert.match(await events('nfsserver'), /Warning\s+VolumeFailedDelete\s+error getting deleter volume plugin for volume "nfsserver": no deletable volume plugin matched/);
  });

  it('a claim in use shows Terminating until its pod is gone; a bound volume until its claim is', async () => {
    await ok(['apply', '-f', '-'], pv('pv-used') + '---\n' + pvc('claim-used', { volume: 'pv-used' }));
    await eventually(async () => (await phase('pvc', 'claim-used')) === 'Bound');
    await ok(['apply', '-f', '-'], podUsing('user', 'claim-used'));
    await eventually(async () => (await phase('pod', 'user')) === 'Running', 20_000);
    assert.match(await ok(['describe', 'pvc', 'claim-used']), /^Used By:\s+user$/m);

    await ok(['delete', 'pvc', 'claim-used', '--wait=false']);
    await ok(['delete', 'pv', 'pv-used', '--wait=false']);
    // Give the protection controllers time to (wrongly) let go, then look.
    await new Promise((r) => setTimeout(r, 1500));
    assert.match(await ok(['get', 'pvc', 'claim-used']), /claim-used\s+Terminating\s+pv-used\s+1Gi\s+RWO\s+manual/);
    assert.match(await ok(['get', 'pv', 'pv-used']), /pv-used\s+1Gi\s+RWO\s+Retain\s+Terminating\s+default\/claim-used/);

    await ok(['delete', 'pod', 'user']);
    await eventually(async () => (await get('pvc', 'claim-used')) === undefined, 20_000);
    // The claim gone, the volume is Released and pv-protection lets it go.
    await eventually(async () => (await get('pv', 'pv-used')) === undefined, 20_000);
  });

  it('DefaultStorageClass: a claim naming no class gets the newest default; "" stays class-less; get sc marks defaults', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: older, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/older
`);
    // Creation timestamps have one-second resolution: the second default must be visibly newer.
    await new Promise((r) => setTimeout(r, 1100));
    await ok(['apply', '-f', '-'], `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: newer, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/newer
reclaimPolicy: Retain
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
`);
    const sc = await ok(['get', 'sc']);
    assert.match(sc.split('\n')[0]!, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/);
    assert.match(sc, /\nnewer \(default\)\s+example\.com\/newer\s+Retain\s+WaitForFirstConsumer\s+true\s+\d+s/);
    assert.match(sc, /\nolder \(default\)\s+example\.com\/older\s+Delete\s+Immediate\s+false\s+\d+s/);

    await ok(['apply', '-f', '-'], pvc('defaulted', { cls: null }) + '---\n' + pvc('classless', { cls: '' }));
    assert.equal((await get('pvc', 'defaulted'))?.spec.storageClassName, 'newer');
    assert.equal((await get('pvc', 'classless'))?.spec.storageClassName, '');
    // WaitForFirstConsumer: Pending, and the binder says why.
    await eventually(async () => /Normal\s+WaitForFirstConsumer\s+waiting for first consumer to be created before binding/.test(await events('defaulted')));
    assert.equal(await phase('pvc', 'defaulted'), 'Pending');
    // The scheduler's part (selected-node) starts provisioning: the claim is annotated for the external provisioner.
    await ok(['annotate', 'pvc', 'defaulted', 'volume.kubernetes.io/selected-node=sim-0']);
    await eventually(async () => (await get('pvc', 'defaulted'))?.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'] === 'example.com/newer');
    await eventually(async () => /Normal\s+ExternalProvisioning\s+Waiting for a volume to be created either by the external provisioner 'example\.com\/newer'/.test(await events('defaulted')));
    await ok(['delete', 'pvc', 'defaulted', 'classless']);
    await ok(['delete', 'sc', 'older', 'newer']);
  });

  it('bad input: a missing class (Event, Pending), an invalid PV (422), a resize the class forbids (403)', async () => {
    await ok(['apply', '-f', '-'], pvc('lost-class', { cls: 'does-not-exist' }));
    await eventually(async () => /Warning\s+ProvisioningFailed\s+storageclass\.storage\.k8s\.io "does-not-exist" not found/.test(await events('lost-class')));
    assert.equal(await phase('pvc', 'lost-class'), 'Pending');

    const bad = await c.kubectl(['create', '-f', '-'], { input: `apiVersion: v1
kind: PersistentVolume
metadata: {name: bad-pv}
spec:
  accessModes: [ReadWriteSometimes]
  hostPath: {path: /tmp/x}
` });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The PersistentVolume "bad-pv" is invalid: \n?\* spec\.capacity: Required value/);
    // Upstream names the list, not the entry.
    assert.match(bad.stderr, /spec\.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"/);

    // Recycle: accepted with upstream's deprecation warning; there is no recycler, so a released volume goes Failed.
    const recycle = await c.kubectl(['create', '-f', '-'], { input: pv('pv-recycle', { policy: 'Recycle', cls: 'recycle' }) + '---\n' + pvc('recycle-claim', { cls: 'recycle' }) });
    assert.equal(recycle.code, 0, recycle.stderr);
    assert.match(recycle.stderr, /Warning: spec\.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated\. Instead, the recommended approach is to use dynamic provisioning\./);
    await eventually(async () => (await phase('pvc', 'recycle-claim')) === 'Bound');
    await ok(['delete', 'pvc', 'recycle-claim']);
    await eventually(async () => (await phase('pv', 'pv-recycle')) === 'Failed');
    assert.match(await events('pv-recycle'), /Warning\s+VolumeFailedRecycle\s+No recycler plugin found for the volume!/);

    await ok(['apply', '-f', '-'], `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fixed}
provisioner: example.com/fixed
---
${pv('pv-fixed', { cls: 'fixed' })}---
${pvc('fixed-claim', { cls: 'fixed' })}`);
    await eventually(async () => (await phase('pvc', 'fixed-claim')) === 'Bound');
    const resize = await c.kubectl(['patch', 'pvc', 'fixed-claim', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}']);
    assert.notEqual(resize.code, 0);
    assert.match(resize.stderr, /persistentvolumeclaims "fixed-claim" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize/);
    const shrink = await c.kubectl(['patch', 'pvc', 'fixed-claim', '-p', '{"spec":{"resources":{"requests":{"storage":"100Mi"}}}}']);
    assert.match(shrink.stderr, /spec\.resources\.requests\.storage: Forbidden: field can not be less than previous value/);
  });

  it('StatefulSet claims: kept across pod deletion and scale-down by default; Delete policies hand them to the garbage collector', async () => {
    await ok(['apply', '-f', '-'], statefulSet('kept', 2));
    await eventually(async () => (await get('pvc', 'data-kept-0')) && (await get('pvc', 'data-kept-1')), 20_000);
    const first = (await get('pvc', 'data-kept-0'))!;
    assert.equal(first.metadata.ownerReferences, undefined, 'Retain/Retain: no owner');
    const pod0 = await eventually(async () => get('pod', 'kept-0'), 20_000);
    assert.deepEqual((pod0.spec as unknown as { volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] }).volumes.find((v) => v.name === 'data')?.persistentVolumeClaim, { claimName: 'data-kept-0' });
    await ok(['delete', 'pod', 'kept-0']);
    await eventually(async () => {
      const p = await get('pod', 'kept-0');
      return p && p.metadata.uid !== pod0.metadata.uid && !p.metadata.deletionTimestamp;
    }, 20_000);
    assert.equal((await get('pvc', 'data-kept-0'))?.metadata.uid, first.metadata.uid, 'the new pod has the same claim');
    await ok(['scale', 'statefulset', 'kept', '--replicas=1']);
    await eventually(async () => (await get('pod', 'kept-1')) === undefined, 20_000);
    assert.ok(await get('pvc', 'data-kept-1'), 'kept across scale-down');
    await ok(['delete', 'statefulset', 'kept']);
    await eventually(async () => (await get('pod', 'kept-0')) === undefined, 20_000);
    assert.ok(await get('pvc', 'data-kept-0'), 'kept after the set is deleted');

    await ok(['apply', '-f', '-'], statefulSet('gone', 2, { whenDeleted: 'Delete', whenScaled: 'Delete' }));
    const owned = await eventually(async () => {
      const claim = await get('pvc', 'data-gone-1');
      return claim?.metadata.ownerReferences?.length ? claim : undefined;
    }, 20_000);
    assert.deepEqual(owned.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}/${r.controller}`), ['StatefulSet/gone/true']);
    await ok(['scale', 'statefulset', 'gone', '--replicas=1']);
    await eventually(async () => (await get('pvc', 'data-gone-1')) === undefined, 30_000);
    assert.ok(await get('pvc', 'data-gone-0'));
    await ok(['delete', 'statefulset', 'gone']);
    await eventually(async () => (await get('pvc', 'data-gone-0')) === undefined, 30_000);

    // whenScaled Delete, whenDeleted Retain: no owner while in range, the claim survives the set.
    await ok(['apply', '-f', '-'], statefulSet('scaled', 2, { whenDeleted: 'Retain', whenScaled: 'Delete' }));
    await eventually(async () => (await get('pod', 'scaled-1')) && (await get('pvc', 'data-scaled-1')), 20_000);
    assert.equal((await get('pvc', 'data-scaled-0'))?.metadata.ownerReferences, undefined);
    await ok(['scale', 'statefulset', 'scaled', '--replicas=1']);
    await eventually(async () => (await get('pvc', 'data-scaled-1')) === undefined, 30_000);
    await ok(['delete', 'statefulset', 'scaled']);
    await eventually(async () => (await get('pod', 'scaled-0')) === undefined, 20_000);
    assert.ok(await get('pvc', 'data-scaled-0'));
  });

  it('an ephemeral volume gets its <pod>-<volume> claim, owned by the pod and gone with it', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: eph}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: c, image: busybox, volumeMounts: [{name: scratch, mountPath: /scratch}]}]
  volumes:
  - name: scratch
    ephemeral:
      volumeClaimTemplate:
        metadata: {labels: {kind: scratch}}
        spec: {accessModes: [ReadWriteOnce], storageClassName: "", resources: {requests: {storage: 1Gi}}}
`);
    const claim = await eventually(async () => get('pvc', 'eph-scratch'));
    assert.deepEqual(claim.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}/${r.controller}`), ['Pod/eph/true']);
    await ok(['delete', 'pod', 'eph']);
    await eventually(async () => (await get('pvc', 'eph-scratch')) === undefined, 30_000);
  });
});
