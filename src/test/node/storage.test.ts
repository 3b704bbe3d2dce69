// Issue 13 on a real node (containerd, Node,RBAC): the local-path provisioner beside the node under
// its own identity, the scheduler's volume binding, and the kubelet mounting claims.
//   dynamic: a claim on the default class waits for its first consumer, is provisioned on the
//     pod's node, keeps its data across pods, and is gone (directory and PV) with the claim;
//   a StatefulSet of 3 whose pods each keep their own data across kubectl delete pod and 3→1→3;
//   a local PV: bind-mounted, fsGroup, a read-only claim;
//   bad input: a subPath escaping through a symlink, a class that doesn't exist, a missing claim,
//     an NFS volume this host cannot mount — an Event, and nothing mounted.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RestClient } from '../../client/rest.js';
import { mountPointsUnder } from '../../kubelet/volumes/host-mounts.js';
import { startLocalPathProvisioner, type LocalPathProvisioner } from '../../localpath/provisioner.js';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

describe('storage on a real node: local-path, volume binding, claims mounted', () => {
  let c: NodeTestCluster;
  let provisioner: LocalPathProvisioner | undefined;
  let provisionerClient: RestClient | undefined;
  let storage = '';

  const get = async (path: string) => {
    const r = await c.http('GET', path);
    return r.status === 200 ? r.json() : undefined;
  };
  const claim = (name: string, ns = 'default') => get(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${name}`);
  const exec = async (pod: string, script: string) => {
    const r = await c.kubectl(['exec', pod, '--', 'sh', '-c', script], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`exec in ${pod} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const events = async (name: string, reason: string) => {
    const list = await get(`/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=${name}`);
    return ((list?.items ?? []) as any[]).filter((e) => e.reason === reason).map((e) => e.message as string);
  };
  const deletePod = async (name: string) => {
    const r = await c.kubectl(['delete', 'pod', name, '--wait=true', '--timeout=60s']);
    assert.equal(r.code, 0, r.stderr);
  };
  const pvcYaml = (name: string, spec: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } }, ...spec } });
  const claimPod = (name: string, claimName: string, script: string, extra: Record<string, unknown> = {}, mount: Record<string, unknown> = {}) =>
    podYaml(name, {
      containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/data', ...mount }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName, ...((extra['claimReadOnly'] as boolean) ? { readOnly: true } : {}) } }],
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'claimReadOnly')),
    });
  const running = (name: string, timeoutMs = 60_000) => c.waitPod(name, (p) => p.status?.phase === 'Running', timeoutMs);
  /** Mounts under a pod's folder other than its service-account token (set up whatever else fails, as upstream). */
  const claimMounts = async (uid: string) => (await mountPointsUnder(join(c.dataDir, 'agent', 'pods', uid))).filter((m) => !m.includes('/volumes/kubernetes.io~projected/'));

  before(async () => {
    c = await startNodeTestCluster({ authorizationMode: 'Node,RBAC', controlPlane: { pvBinderSyncPeriodMs: 1000 } });
    storage = join(c.dataDir, 'storage');
    // What node-services starts beside every node, under the node controllers' own identity.
    provisionerClient = new RestClient(c.cp.nodeServiceClients.controller, 'local-path-test');
    provisioner = await startLocalPathProvisioner(provisionerClient, { nodeName: c.nodeName, storagePath: storage });
  });
  after(async () => {
    await provisioner?.stop();
    provisionerClient?.close();
    await c?.stop();
  });

  it('creates the default class local-path as k3s ships it', async () => {
    const sc = await eventually(() => get('/apis/storage.k8s.io/v1/storageclasses/local-path'));
    assert.equal(sc.provisioner, 'rancher.io/local-path');
    assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
    const r = await c.kubectl(['get', 'sc']);
    assert.match(r.stdout, /local-path \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer/);
  });

  it('dynamic: Pending until a pod uses it, provisioned on its node, data kept across pods, gone with the claim', async () => {
    await c.apply(pvcYaml('data'));
    assert.equal((await claim('data')).spec.storageClassName, 'local-path');
    await eventually(async () => (await events('data', 'WaitForFirstConsumer')).length > 0);
    assert.equal((await claim('data')).status.phase, 'Pending');
    await c.apply(claimPod('writer', 'data', 'echo hello > /data/file && sleep 3600'));
    await running('writer');
    const bound = await claim('data');
    assert.equal(bound.status.phase, 'Bound');
    assert.equal(bound.metadata.annotations['volume.kubernetes.io/selected-node'], c.nodeName);
    const pvName = `pvc-${bound.metadata.uid}`;
    assert.equal(bound.spec.volumeName, pvName);
    const pv = await get(`/api/v1/persistentvolumes/${pvName}`);
    const dir = join(storage, `${pvName}_default_data`);
    assert.equal(pv.spec.hostPath.path, dir);
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0], { key: 'kubernetes.io/hostname', operator: 'In', values: [c.nodeName] });
    assert.equal(pv.metadata.annotations['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
    assert.deepEqual(await events('data', 'ProvisioningSucceeded'), [`Successfully provisioned volume ${pvName}`]);
    assert.equal(readFileSync(join(dir, 'file'), 'utf8'), 'hello\n');
    await deletePod('writer');
    await c.apply(claimPod('reader', 'data', 'sleep 3600'));
    await running('reader');
    assert.equal(await exec('reader', 'cat /data/file'), 'hello\n');
    await deletePod('reader');
    const del = await c.kubectl(['delete', 'pvc', 'data', '--wait=true', '--timeout=60s']);
    assert.equal(del.code, 0, del.stderr);
    await eventually(async () => (await c.http('GET', `/api/v1/persistentvolumes/${pvName}`)).status === 404, 30_000, 200);
    assert.equal(existsSync(dir), false);
  });

  it('a StatefulSet of 3 keeps each pod its own data across kubectl delete pod and scale 3→1→3', async () => {
    // Each pod records its name once and counts its starts.
    const script = '[ -f /data/id ] || hostname > /data/id; echo start >> /data/starts; sleep 3600';
    await c.apply(
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db' },
        spec: {
          serviceName: 'db',
          replicas: 3,
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'db', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
          },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } }],
        },
      }),
    );
    const check = async (i: number, starts: number) => {
      await running(`db-${i}`, 90_000);
      const out = await eventually(async () => {
        const s = await exec(`db-${i}`, 'cat /data/id; wc -l < /data/starts');
        return s.trim().split('\n').length === 2 ? s : undefined;
      });
      assert.deepEqual(out.trim().split(/\s+/), [`db-${i}`, String(starts)], `db-${i}`);
    };
    for (const i of [0, 1, 2]) await check(i, 1);
    for (const i of [0, 1, 2]) assert.equal((await claim(`data-db-${i}`)).status.phase, 'Bound');
    await deletePod('db-1');
    await check(1, 2);
    assert.equal((await c.kubectl(['scale', 'statefulset', 'db', '--replicas=1'])).code, 0);
    await eventually(async () => (await c.http('GET', '/api/v1/namespaces/default/pods/db-1')).status === 404, 60_000, 200);
    await eventually(async () => (await c.http('GET', '/api/v1/namespaces/default/pods/db-2')).status === 404, 60_000, 200);
    // Retain/Retain (the default): the claims stay.
    for (const i of [1, 2]) assert.equal((await claim(`data-db-${i}`)).status.phase, 'Bound');
    assert.equal((await c.kubectl(['scale', 'statefulset', 'db', '--replicas=3'])).code, 0);
    await check(1, 3);
    await check(2, 2);
    await check(0, 1);
    assert.equal((await c.kubectl(['delete', 'statefulset', 'db', '--wait=true'])).code, 0);
  });

  it('a local PV is bind-mounted with fsGroup; a read-only claim cannot be written; teardown unmounts it', async () => {
    const path = join(c.dataDir, 'local-disk');
    mkdirSync(path, { recursive: true });
    await c.apply(JSON.stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'manual-local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' }));
    await c.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'local-pv' },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'manual-local',
          persistentVolumeReclaimPolicy: 'Retain',
          local: { path },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [c.nodeName] }] }] } },
        },
      }),
    );
    await c.apply(pvcYaml('local', { storageClassName: 'manual-local' }));
    await c.apply(claimPod('local-user', 'local', 'sleep 3600', { securityContext: { fsGroup: 2000 } }));
    const pod = await running('local-user');
    assert.equal((await claim('local')).spec.volumeName, 'local-pv');
    const mountDir = join(c.dataDir, 'agent', 'pods', pod.metadata.uid, 'volumes', 'kubernetes.io~local-volume', 'local-pv');
    assert.deepEqual(await mountPointsUnder(mountDir), [mountDir]);
    assert.equal((await exec('local-user', 'stat -c %g /data; echo x > /data/f && cat /data/f')).trim(), '2000\nx');
    await deletePod('local-user');
    await eventually(async () => (await mountPointsUnder(mountDir)).length === 0, 30_000, 100);
    assert.equal(readFileSync(join(path, 'f'), 'utf8'), 'x\n');
    await c.apply(claimPod('local-ro', 'local', 'sleep 3600', { claimReadOnly: true }));
    await running('local-ro');
    const r = await c.kubectl(['exec', 'local-ro', '--', 'sh', '-c', 'echo y > /data/f']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Read-only file system/);
    await deletePod('local-ro');
  });

  it('bad input: a subPath escaping through a symlink, a class that does not exist, a missing claim, NFS this host cannot mount', async () => {
    await c.apply(pvcYaml('links'));
    await c.apply(claimPod('linker', 'links', 'ln -s /etc /data/escape && ln -s sub /data/inside && mkdir /data/sub && echo ok > /data/sub/f && sleep 3600'));
    await running('linker');
    await eventually(async () => (await exec('linker', 'ls /data')).includes('inside'));
    // Through the link inside the volume: allowed. Through the link to the host's /etc: refused.
    await c.apply(claimPod('inside', 'links', 'sleep 3600', {}, { subPath: 'inside' }));
    await running('inside');
    assert.equal(await exec('inside', 'cat /data/f'), 'ok\n');
    await c.apply(claimPod('escaper', 'links', 'sleep 3600', {}, { subPath: 'escape' }));
    const stuck = await c.waitPod('escaper', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
    assert.equal(stuck.status.containerStatuses[0].state.waiting.message, 'failed to prepare subPath for volumeMount "data" of container "app"');
    const escaperDir = join(c.dataDir, 'agent', 'pods', stuck.metadata.uid);
    assert.deepEqual(await mountPointsUnder(join(escaperDir, 'volume-subpaths')), []);

    // A class that doesn't exist: the binder says so, the pod is never placed, nothing is mounted.
    await c.apply(pvcYaml('noclass', { storageClassName: 'does-not-exist' }));
    await c.apply(claimPod('noclass-user', 'noclass', 'sleep 3600'));
    await eventually(async () => (await events('noclass', 'ProvisioningFailed')).includes('storageclass.storage.k8s.io "does-not-exist" not found'));
    await eventually(async () => (await events('noclass-user', 'FailedScheduling')).some((m) => m.includes('pod has unbound immediate PersistentVolumeClaims')));
    assert.equal((await get('/api/v1/namespaces/default/pods/noclass-user')).spec.nodeName, undefined);

    // A pod placed on the node directly, its claim missing: FailedMount, ContainerCreating, nothing under its folder.
    await c.apply(claimPod('orphan', 'no-such-claim', 'sleep 3600', { nodeName: c.nodeName }));
    const msg = await eventually(async () => (await events('orphan', 'FailedMount'))[0], 30_000);
    assert.equal(msg, 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/no-such-claim: failed to fetch PVC from API server: persistentvolumeclaims "no-such-claim" not found');
    const orphan = await get('/api/v1/namespaces/default/pods/orphan');
    assert.equal(orphan.status.phase, 'Pending');
    assert.deepEqual(await claimMounts(orphan.metadata.uid), []);

    // NFS: mount.nfs against an address nothing serves (on this kernel, no nfs filesystem at all): FailedMount, nothing mounted.
    await c.apply(JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'nfs-pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'], storageClassName: '', mountOptions: ['soft', 'retry=0', 'timeo=10', 'retrans=1'], nfs: { server: '127.0.0.1', path: '/exports' } } }));
    await c.apply(pvcYaml('nfs', { storageClassName: '', accessModes: ['ReadWriteMany'], volumeName: 'nfs-pv' }));
    await eventually(async () => (await claim('nfs'))?.status?.phase === 'Bound');
    await c.apply(claimPod('nfs-user', 'nfs', 'sleep 3600'));
    const nfsMsg = await eventually(async () => (await events('nfs-user', 'FailedMount'))[0], 60_000);
    assert.match(nfsMsg, /^MountVolume\.SetUp failed for volume "nfs-pv" : mount failed: mount\.nfs: /);
    const nfsPod = await get('/api/v1/namespaces/default/pods/nfs-user');
    assert.equal(nfsPod.status.containerStatuses?.[0]?.state?.running, undefined);
    assert.deepEqual(await claimMounts(nfsPod.metadata.uid), []);

    // The other pods were not disturbed.
    assert.equal((await get('/api/v1/namespaces/default/pods/linker')).status.phase, 'Running');
    for (const p of ['linker', 'inside', 'escaper', 'noclass-user', 'orphan', 'nfs-user']) await c.kubectl(['delete', 'pod', p, '--wait=false']);
  });
});
