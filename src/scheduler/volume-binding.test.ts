// VolumeBinding and VolumeRestrictions inside a real in-process control plane (PV binder and
// scheduler running; nodes are plain Node objects): late binding to a static volume on the only
// node it can reach, a bound volume's affinity steering a pod, unbound Immediate claims, a missing
// claim, a class that can't provision on a node, the selected-node annotation for dynamic
// provisioning, ReadWriteOncePod.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../test/harness.js';
import type { Event, PersistentVolume, PersistentVolumeClaim } from '../api/core/v1/types.js';
import type { Pod } from '../api/core/v1/pod/types.js';
import { makeNode, makePod } from './testing/objects.js';

let c: TestCluster;
let client: RestClient;

before(async () => {
  c = await startTestCluster({ controlPlane: { pvBinderSyncPeriodMs: 1000 } });
  client = new RestClient(loadKubeconfig(c.kubeconfig), 'volume-binding-test');
});

after(async () => {
  client.close();
  await c.stop();
});

async function ns(name: string): Promise<string> {
  await client.create(resourcePath(R.namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

const node = (name: string, labels: Record<string, string>) => client.create(resourcePath(R.nodes), makeNode(name, { labels }));

function sc(name: string, extra: Record<string, unknown> = {}) {
  return client.create(resourcePath(R.storageclasses), { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'example.com/none', volumeBindingMode: 'WaitForFirstConsumer', ...extra });
}

function pv(name: string, cls: string, nodeName?: string, extra: Record<string, unknown> = {}) {
  return client.create<PersistentVolume>(resourcePath(R.persistentvolumes), {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: cls,
      hostPath: { path: `/tmp/${name}` },
      ...(nodeName ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } } } : {}),
      ...extra,
    },
  });
}

function pvc(namespace: string, name: string, cls: string, extra: Record<string, unknown> = {}) {
  return client.create<PersistentVolumeClaim>(resourcePath(R.persistentvolumeclaims, namespace), {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { storageClassName: cls, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
  });
}

async function pod(namespace: string, name: string, claim: string, group: string): Promise<Pod> {
  const p = makePod(name, { namespace, spec: { nodeSelector: { group }, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] } });
  delete p.metadata.uid;
  return client.create<Pod>(resourcePath(R.pods, namespace), p);
}

const getPod = (namespace: string, name: string) => client.get<Pod>(resourcePath(R.pods, namespace, name));
const getClaim = (namespace: string, name: string) => client.get<PersistentVolumeClaim>(resourcePath(R.persistentvolumeclaims, namespace, name));

async function failedScheduling(namespace: string, podName: string): Promise<string> {
  return eventually(async () => {
    const list = await client.get<{ items: Event[] }>(`${resourcePath(R.events, namespace)}?fieldSelector=involvedObject.name=${podName}`);
    return list.items.filter((e) => e.reason === 'FailedScheduling').map((e) => e.message ?? '').pop();
  });
}

test('a WaitForFirstConsumer claim binds to the free volume of the node the pod can use, and the pod lands there', async () => {
  const n = await ns('wffc-static');
  await node('ws-a', { group: 'ws' });
  await node('ws-b', { group: 'ws' });
  // Local volumes made by hand: nothing could provision another one elsewhere.
  await sc('ws-local', { provisioner: 'kubernetes.io/no-provisioner' });
  await pv('ws-vol', 'ws-local', 'ws-b');
  await eventually(async () => (await client.get<PersistentVolume>(resourcePath(R.persistentvolumes, undefined, 'ws-vol'))).status?.phase === 'Available');
  await pvc(n, 'data', 'ws-local');
  // Not bound while no pod uses it.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await getClaim(n, 'data')).spec?.volumeName, undefined);
  await pod(n, 'app', 'data', 'ws');
  const placed = await eventually(async () => (await getPod(n, 'app')).spec?.nodeName, 15_000);
  assert.equal(placed, 'ws-b');
  const claim = await getClaim(n, 'data');
  assert.equal(claim.spec?.volumeName, 'ws-vol');
  assert.equal(claim.status?.phase, 'Bound');
  const vol = await client.get<PersistentVolume>(resourcePath(R.persistentvolumes, undefined, 'ws-vol'));
  assert.equal(vol.spec?.claimRef?.uid, claim.metadata.uid);
  assert.equal(vol.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
});

test("a bound volume's node affinity decides the node; a node it excludes is a volume node affinity conflict", async () => {
  const n = await ns('bound-aff');
  await node('ba-a', { group: 'ba' });
  await node('ba-b', { group: 'ba' });
  await pv('ba-vol', '', 'ba-a');
  await pvc(n, 'data', '');
  await eventually(async () => (await getClaim(n, 'data')).status?.phase === 'Bound');
  await pod(n, 'app', 'data', 'ba');
  assert.equal(await eventually(async () => (await getPod(n, 'app')).spec?.nodeName, 15_000), 'ba-a');
  // A second pod on the same claim, kept off ba-a by its selector, has nowhere to go.
  const p = makePod('other', { namespace: n, spec: { nodeSelector: { group: 'ba', 'kubernetes.io/hostname': 'ba-b' }, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } });
  delete p.metadata.uid;
  await client.create(resourcePath(R.pods, n), p);
  const msg = await failedScheduling(n, 'other');
  assert.match(msg, /1 node\(s\) had volume node affinity conflict/);
});

test('unbound Immediate claims and missing claims keep the pod pending with upstream texts', async () => {
  const n = await ns('immediate');
  await node('im-a', { group: 'im' });
  await sc('im-class', { volumeBindingMode: 'Immediate' });
  await pvc(n, 'waiting', 'im-class');
  await pod(n, 'app', 'waiting', 'im');
  assert.match(await failedScheduling(n, 'app'), /pod has unbound immediate PersistentVolumeClaims/);
  await pod(n, 'lost', 'nothing-here', 'im');
  assert.match(await failedScheduling(n, 'lost'), /persistentvolumeclaim "nothing-here" not found/);
  // A claim for a class that doesn't exist counts as Immediate, as upstream.
  await pvc(n, 'noclass', 'no-such-class');
  await pod(n, 'noclass', 'noclass', 'im');
  assert.match(await failedScheduling(n, 'noclass'), /pod has unbound immediate PersistentVolumeClaims/);
  assert.equal((await getPod(n, 'noclass')).spec?.nodeName, undefined);
});

test('dynamic provisioning: selected-node names a node the class allows; the pod waits for the provisioner, then binds', async () => {
  const n = await ns('dynamic');
  await node('dy-a', { group: 'dy', zone: 'z1' });
  await node('dy-b', { group: 'dy', zone: 'z2' });
  await sc('dy-class', { allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['z2'] }] }] });
  const claim = await pvc(n, 'data', 'dy-class');
  await pod(n, 'app', 'data', 'dy');
  const selected = await eventually(async () => (await getClaim(n, 'data')).metadata.annotations?.['volume.kubernetes.io/selected-node'], 15_000);
  assert.equal(selected, 'dy-b');
  // Not bound to a node before its volume exists.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await getPod(n, 'app')).spec?.nodeName, undefined);
  // The provisioner's part, by hand: a PV pre-bound to the claim, with affinity to the selected node.
  await pv(`pvc-${claim.metadata.uid}`, 'dy-class', 'dy-b', {
    claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: n, name: 'data', uid: claim.metadata.uid },
  });
  assert.equal(await eventually(async () => (await getPod(n, 'app')).spec?.nodeName, 15_000), 'dy-b');
  // A class no node satisfies: nothing can be provisioned.
  await sc('dy-nowhere', { allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['z9'] }] }] });
  await pvc(n, 'nowhere', 'dy-nowhere');
  await pod(n, 'nowhere', 'nowhere', 'dy');
  assert.match(await failedScheduling(n, 'nowhere'), /2 node\(s\) didn't find available persistent volumes to bind/);
});

test('a ReadWriteOncePod claim in use by one pod keeps a second pod pending', async () => {
  const n = await ns('rwop');
  await node('rw-a', { group: 'rw' });
  await pv('rw-vol', '', undefined, { accessModes: ['ReadWriteOncePod'] });
  await pvc(n, 'data', '', { accessModes: ['ReadWriteOncePod'] });
  await eventually(async () => (await getClaim(n, 'data')).status?.phase === 'Bound');
  await pod(n, 'first', 'data', 'rw');
  await eventually(async () => (await getPod(n, 'first')).spec?.nodeName, 15_000);
  await pod(n, 'second', 'data', 'rw');
  assert.match(await failedScheduling(n, 'second'), /node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode/);
  await client.delete(resourcePath(R.pods, n, 'first'), { gracePeriodSeconds: 0 });
  assert.equal(await eventually(async () => (await getPod(n, 'second')).spec?.nodeName, 20_000), 'rw-a');
});
