import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../api/schema/meta.js';
import { any, arr, int32, intOrString, keyedList, obj, ref, str, strMap, type Schema } from '../../api/schema/dsl.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyPatch, PatchError } from './index.js';

// A local schema with the strategies of upstream's Pod and Deployment, so these tests do not
// depend on the real definitions being registered.
const objectMeta = ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
const container = obj({
  name: str(),
  image: str(),
  args: arr(str()),
  ports: keyedList(obj({ containerPort: int32(), name: str(), protocol: str() }), 'containerPort'),
  env: keyedList(obj({ name: str(), value: str(), valueFrom: any() }), 'name'),
  volumeMounts: keyedList(obj({ name: str(), mountPath: str() }), 'mountPath'),
});
const volume = obj({ name: str(), emptyDir: obj({ medium: str() }), configMap: obj({ name: str() }), hostPath: obj({ path: str() }) });
const podSpec = obj({
  containers: keyedList(container, 'name'),
  volumes: arr(volume, { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }),
  tolerations: arr(obj({ key: str(), operator: str(), value: str(), effect: str() }), { listType: 'atomic' }),
  nodeSelector: strMap(),
});
const pod: Schema = obj({ apiVersion: str(), kind: str(), metadata: objectMeta, spec: podSpec });
const deploymentStrategy = obj({ type: str(), rollingUpdate: obj({ maxSurge: intOrString(), maxUnavailable: intOrString() }) }, { patchStrategy: 'retainKeys' });
const deployment: Schema = obj({
  metadata: objectMeta,
  spec: obj({ replicas: int32(), strategy: deploymentStrategy, template: obj({ metadata: objectMeta, spec: podSpec }) }),
});

type Obj = Record<string, any>;
const smp = (original: unknown, patch: unknown, schema: Schema | undefined = pod): Obj => applyStrategicMergePatch(original, patch, schema) as Obj;
const names = (list: Obj[]) => list.map((c) => c['name']);
const err422 = (text: string | RegExp) => (e: unknown) =>
  e instanceof PatchError && e.code === 422 && (typeof text === 'string' ? e.message === text : text.test(e.message));
const err400 = (text: string) => (e: unknown) => e instanceof PatchError && e.code === 400 && e.message === text;

function basePod(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b'] },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80, name: 'http' }],
          env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }],
        },
        { name: 'sidecar', image: 'busybox' },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
      tolerations: [{ key: 'x', operator: 'Exists' }],
      nodeSelector: { disk: 'ssd' },
    },
  };
}

test('smp: container image change merges by name and keeps the other containers and fields', () => {
  const out = smp(basePod(), { spec: { containers: [{ name: 'sidecar', image: 'busybox:2' }] } });
  assert.deepEqual(names(out['spec'].containers), ['web', 'sidecar']);
  assert.equal(out['spec'].containers[1].image, 'busybox:2');
  assert.deepEqual(out['spec'].containers[0], basePod()['spec'].containers[0]);
});

test('smp: a container with a new name is added ahead of the server-only ones, as upstream orders it', () => {
  // Upstream places patch items not on the server before the remaining server items (see the
  // kubectl patch task in the Kubernetes docs: the added redis container is listed first).
  const out = smp(basePod(), { spec: { containers: [{ name: 'log', image: 'fluent' }] } });
  assert.deepEqual(names(out['spec'].containers), ['log', 'web', 'sidecar']);
  const withExisting = smp(basePod(), { spec: { containers: [{ name: 'web', image: 'n:2' }, { name: 'log', image: 'fluent' }] } });
  assert.deepEqual(names(withExisting['spec'].containers), ['web', 'log', 'sidecar']);
});

test('smp: $patch: delete removes a list entry by merge key', () => {
  const out = smp(basePod(), { spec: { containers: [{ name: 'web', env: [{ name: 'B', $patch: 'delete' }] }] } });
  assert.deepEqual(out['spec'].containers[0].env, [{ name: 'A', value: '1' }, { name: 'C', value: '3' }]);
  const gone = smp(basePod(), { spec: { containers: [{ $patch: 'delete', name: 'sidecar' }] } });
  assert.deepEqual(names(gone['spec'].containers), ['web']);
});

test('smp: $patch: delete removes every duplicate with that key (upstream case)', () => {
  const schema = obj({ mergingList: keyedList(obj({ name: int32(), value: str() }), 'name') });
  const out = smp(
    { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
    { mergingList: [{ name: 1, $patch: 'delete' }, { name: 3, $patch: 'delete' }] },
    schema,
  );
  assert.deepEqual(out, { mergingList: [{ name: 2, value: 'a' }] });
});

test('smp: $setElementOrder orders the merged list', () => {
  const reordered = smp(basePod(), { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] } });
  assert.deepEqual(names(reordered['spec'].containers), ['sidecar', 'web']);
  assert.ok(!('$setElementOrder/containers' in reordered['spec']));

  const withNew = smp(basePod(), {
    spec: {
      '$setElementOrder/containers': [{ name: 'web' }, { name: 'log' }, { name: 'sidecar' }],
      containers: [{ name: 'log', image: 'fluent' }],
    },
  });
  assert.deepEqual(names(withNew['spec'].containers), ['web', 'log', 'sidecar']);

  const finalizers = smp(basePod(), { metadata: { '$setElementOrder/finalizers': ['b', 'a'] } });
  assert.deepEqual(finalizers['metadata'].finalizers, ['b', 'a']);
});

test('smp: $setElementOrder naming items absent from the list is harmless; a contradicting patch list is an error', () => {
  const schema = obj({ mergingList: keyedList(obj({ name: int32(), value: int32() }), 'name') });
  const out = smp(
    { mergingList: [{ name: 1 }, { name: 3 }] },
    { '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
    schema,
  );
  assert.deepEqual(out, { mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] });
  assert.throws(
    () =>
      smp(
        { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
        { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
        schema,
      ),
    err422(/doesn't match \$setElementOrder list/),
  );
  assert.throws(() => smp(basePod(), { spec: { '$setElementOrder/containers': 'web' } }), err400('invalid patch format of setElementOrder list'));
});

test('smp: without $setElementOrder the patch order wins for patched items (upstream cases)', () => {
  const schema = obj({ mergingList: keyedList(obj({ name: int32(), value: str(), other: str() }), 'name'), mergingIntList: arr(int32(), { patchStrategy: 'merge' }) });
  const original = { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] };
  assert.deepEqual(smp(original, { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }] }, schema), {
    mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }],
  });
  assert.deepEqual(smp(original, { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }] }, schema), {
    mergingList: [{ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }],
  });
  assert.deepEqual(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] }, schema), { mergingIntList: [2, 3, 1] });
  assert.deepEqual(smp({ mergingIntList: [1, 2] }, { mergingIntList: [2, 3] }, schema), { mergingIntList: [1, 2, 3] });
});

test('smp: $retainKeys switching a Deployment from RollingUpdate to Recreate clears rollingUpdate', () => {
  const deploy = { metadata: { name: 'd' }, spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } } };
  const out = smp(deploy, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deployment);
  assert.deepEqual(out['spec'].strategy, { type: 'Recreate' });
  assert.equal(out['spec'].replicas, 2);
  // Without the directive the same patch only changes type, as upstream.
  const kept = smp(deploy, { spec: { strategy: { type: 'Recreate' } } }, deployment);
  assert.deepEqual(kept['spec'].strategy.rollingUpdate, { maxSurge: '25%', maxUnavailable: '25%' });
  // A patch may only set keys it retains.
  assert.throws(
    () => smp(deploy, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } }, deployment),
    err400('invalid patch format of retainKeys'),
  );
  assert.throws(() => smp(deploy, { spec: { strategy: { $retainKeys: 'type' } } }, deployment), err400('invalid patch format of retainKeys'));
});

test('smp: $retainKeys on a volume replaces its source (merge,retainKeys list)', () => {
  const out = smp(basePod(), { spec: { volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' } }] } });
  assert.deepEqual(out['spec'].volumes, [{ name: 'data', configMap: { name: 'cfg' } }]);
  const added = smp(basePod(), { spec: { volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] } });
  assert.deepEqual(added['spec'].volumes.map((v: Obj) => v['name']), ['logs', 'data']);
});

test('smp: finalizers merge as a set; $deleteFromPrimitiveList removes values', () => {
  const union = smp(basePod(), { metadata: { finalizers: ['b', 'c'] } });
  assert.deepEqual(union['metadata'].finalizers, ['a', 'b', 'c']);
  const removed = smp(basePod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } });
  assert.deepEqual(removed['metadata'].finalizers, ['b']);
  assert.ok(!Object.keys(removed['metadata']).some((k) => k.startsWith('$')));
  const both = smp(basePod(), { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['b'] } });
  assert.deepEqual(both['metadata'].finalizers, ['c', 'a']);
  // Nothing to delete from: no list appears.
  const none = smp({ metadata: { name: 'x' } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } });
  assert.deepEqual(none, { metadata: { name: 'x' } });
  assert.throws(() => smp(basePod(), { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }), err400('invalid patch format of primitive list'));
});

test('smp: $patch on lists and maps', () => {
  const replacedList = smp(basePod(), { metadata: { finalizers: ['z', { $patch: 'replace' }] } });
  assert.deepEqual(replacedList['metadata'].finalizers, ['z']);
  const emptied = smp(basePod(), { spec: { containers: [{ $patch: 'replace' }] } });
  assert.deepEqual(emptied['spec'].containers, []);
  const replacedContainers = smp(basePod(), { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } });
  assert.deepEqual(replacedContainers['spec'].containers, [{ name: 'only', image: 'x' }]);
  const replacedMap = smp(basePod(), { spec: { nodeSelector: { $patch: 'replace', zone: 'a' } } });
  assert.deepEqual(replacedMap['spec'].nodeSelector, { zone: 'a' });
  const deletedMap = smp(basePod(), { metadata: { labels: { $patch: 'delete' } } });
  assert.deepEqual(deletedMap['metadata'].labels, {});
  const mergedMap = smp(basePod(), { metadata: { labels: { $patch: 'merge', env: 'prod' } } });
  assert.deepEqual(mergedMap['metadata'].labels, { app: 'web', tier: 'front', env: 'prod' });
});

test('smp: unknown directive values and $patch: merge in a list are errors', () => {
  assert.throws(() => smp(basePod(), { spec: { containers: [{ name: 'web', $patch: 'frob' }] } }), err422('unknown patch type: frob in map: map[$patch:frob name:web]'));
  assert.throws(() => smp(basePod(), { metadata: { $patch: 'nope', x: 1 } }), err422('unknown patch type: nope in map: map[$patch:nope x:1]'));
  assert.throws(() => smp(basePod(), { spec: { containers: [{ name: 'web', $patch: 'merge' }] } }), err422('merging lists cannot yet be specified in the patch'));
});

test('smp: ports merge by containerPort', () => {
  const added = smp(basePod(), { spec: { containers: [{ name: 'web', ports: [{ containerPort: 443, name: 'https' }] }] } });
  assert.deepEqual(added['spec'].containers[0].ports, [{ containerPort: 443, name: 'https' }, { containerPort: 80, name: 'http' }]);
  const changed = smp(basePod(), { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } });
  assert.deepEqual(changed['spec'].containers[0].ports, [{ containerPort: 80, name: 'http', protocol: 'TCP' }]);
});

test('smp: tolerations (no patch strategy) are replaced whole', () => {
  const out = smp(basePod(), { spec: { tolerations: [{ key: 'y', operator: 'Equal', value: 'v' }] } });
  assert.deepEqual(out['spec'].tolerations, [{ key: 'y', operator: 'Equal', value: 'v' }]);
});

test('smp: null deletes keys, at any depth', () => {
  const out = smp(basePod(), { metadata: { labels: { tier: null, env: 'prod' } }, spec: { nodeSelector: null } });
  assert.deepEqual(out['metadata'].labels, { app: 'web', env: 'prod' });
  assert.ok(!('nodeSelector' in out['spec']));
  const inItem = smp(basePod(), { spec: { containers: [{ name: 'web', ports: null }] } });
  assert.ok(!('ports' in inItem['spec'].containers[0]));
  // Nulls inside values new to the object vanish rather than being stored.
  const fresh = smp(basePod(), { spec: { containers: [{ name: 'log', image: 'fluent', args: null }] } });
  assert.deepEqual(fresh['spec'].containers.find((c: Obj) => c['name'] === 'log'), { name: 'log', image: 'fluent' });
});

test('smp: a merged list item without its merge key is a 422 as upstream words it', () => {
  assert.throws(() => smp(basePod(), { spec: { containers: [{ image: 'nginx' }] } }), err422('map: map[image:nginx] does not contain declared merge key: name'));
  assert.throws(() => smp(basePod(), { spec: { containers: [{ $patch: 'delete' }] } }), err422('map: map[$patch:delete] does not contain declared merge key: name'));
});

test('smp: lists of lists in a merged list are rejected', () => {
  const schema = obj({ xs: arr(arr(str()), { patchStrategy: 'merge' }) });
  assert.throws(() => smp({ xs: [['a']] }, { xs: [['b']] }, schema), err422('lists of lists are not supported'));
});

test('smp: fields the schema does not know behave as in a JSON merge patch', () => {
  const original = { spec: { extra: { a: 1, b: 2 }, extraList: [{ name: 'x' }, { name: 'y' }], containers: [{ name: 'web' }] } };
  const patch = { spec: { extra: { b: null, c: 3 }, extraList: [{ name: 'z' }] } };
  assert.deepEqual(smp(original, patch), applyMergePatch(original, patch));
  // A root definition that is not registered: everything is plain JSON, lists replace.
  const unregistered = ref('io.k8s.example.v1.NotRegistered');
  const p2 = { spec: { containers: [{ name: 'side' }] } };
  assert.deepEqual(smp(original, p2, unregistered), applyMergePatch(original, p2));
  assert.deepEqual(applyStrategicMergePatch(original, p2, undefined), applyMergePatch(original, p2));
});

test('smp: a kubectl apply three-way patch', () => {
  const deploy = {
    metadata: { name: 'web', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}' }, labels: { app: 'web', old: 'x' } },
    spec: {
      replicas: 3,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
            { name: 'sidecar', image: 'busybox' },
          ],
        },
      },
    },
  };
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' }, labels: { old: null } },
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }],
          containers: [
            {
              '$setElementOrder/ports': [{ containerPort: 8080 }],
              name: 'web',
              image: 'nginx:1.27',
              ports: [{ containerPort: 8080 }, { $patch: 'delete', containerPort: 80 }],
              env: null,
            },
            { $patch: 'delete', name: 'sidecar' },
          ],
        },
      },
    },
  };
  const out = smp(deploy, patch, deployment);
  assert.deepEqual(out, {
    metadata: { name: 'web', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' }, labels: { app: 'web' } },
    spec: {
      replicas: 3,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }] } },
    },
  });
});

test('smp: kubectl scale / label / annotate style patches', () => {
  const deploy = { metadata: { name: 'd', labels: { a: '1' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  assert.equal(smp(deploy, { spec: { replicas: 4 } }, deployment)['spec'].replicas, 4);
  assert.deepEqual(smp(deploy, { metadata: { labels: { b: '2' } } }, deployment)['metadata'].labels, { a: '1', b: '2' });
  assert.deepEqual(smp(deploy, { metadata: { annotations: { note: 'hi' } } }, deployment)['metadata'].annotations, { note: 'hi' });
});

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

test('no patch type ever mutates the original or the patch', () => {
  const original = deepFreeze(basePod());
  const smpPatch = deepFreeze({
    metadata: { labels: { tier: null }, finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] },
    spec: {
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }],
      containers: [{ name: 'web', image: 'x', env: [{ name: 'A', $patch: 'delete' }] }],
      volumes: [{ name: 'data', $retainKeys: ['name', 'configMap'], configMap: { name: 'c' } }],
    },
  });
  // Frozen inputs make any write throw in strict mode, so success proves nothing was written.
  const out = applyPatch('application/strategic-merge-patch+json', original, smpPatch, pod) as Obj;
  assert.deepEqual(names(out['spec'].containers), ['sidecar', 'web']);
  applyPatch('application/merge-patch+json', original, deepFreeze({ spec: { nodeSelector: { disk: null } } }), undefined);
  applyPatch('application/json-patch+json', original, deepFreeze([{ op: 'remove', path: '/spec/containers/0' }, { op: 'add', path: '/metadata/labels/x', value: 'y' }]), undefined);
  assert.deepEqual(original, basePod());
  // The result shares nothing with the original.
  out['spec'].containers[1].env.push({ name: 'Z' });
  assert.equal(original['spec'].containers[0].env.length, 3);
});

test('applyPatch: bodies that are not objects, and hostile keys', () => {
  assert.throws(
    () => applyPatch('application/strategic-merge-patch+json', basePod(), [1], pod),
    err400('json: cannot unmarshal array into Go value of type map[string]interface {}'),
  );
  for (const type of ['application/strategic-merge-patch+json', 'application/merge-patch+json'] as const) {
    const out = applyPatch(type, { metadata: {} }, JSON.parse('{"metadata":{"__proto__":{"polluted":true}}}'), pod) as Obj;
    assert.equal(Object.getPrototypeOf(out['metadata']), Object.prototype);
    assert.deepEqual(Object.keys(out['metadata']), ['__proto__']);
    assert.equal(({} as Obj)['polluted'], undefined);
  }
});
