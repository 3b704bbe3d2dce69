// Static pods: manifests to pods with upstream's identity, the file source, and mirror pods in
// a real API server (created, recreated after a delete, replaced on edit, removed with the file).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../../test/harness.js';
import { startStaticPods, type StaticPods } from './index.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SEEN_ANNOTATION, CONFIG_SOURCE_ANNOTATION, staticPodFromManifest } from './manifest.js';
import { StaticPodSource } from './source.js';

const manifest = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}${extra}
spec:
  containers:
  - name: c
    image: busybox:test
    command: ["sleep", "3600"]
`;

describe('static pod manifests', () => {
  it('gives a manifest upstream identity, defaults and tolerations', () => {
    const r = staticPodFromManifest(manifest('web'), { path: '/etc/k/web.yaml', nodeName: 'node-1' });
    assert.ok('pod' in r, JSON.stringify(r));
    const p = r.pod;
    assert.equal(p.metadata.name, 'web-node-1');
    assert.equal(p.metadata.namespace, 'default');
    assert.match(p.metadata.uid!, /^[0-9a-f]{32}$/);
    assert.equal(p.metadata.annotations![CONFIG_HASH_ANNOTATION], p.metadata.uid);
    assert.equal(p.metadata.annotations![CONFIG_SOURCE_ANNOTATION], 'file');
    assert.ok(!Number.isNaN(Date.parse(p.metadata.annotations![CONFIG_SEEN_ANNOTATION]!)));
    assert.equal(p.spec!.nodeName, 'node-1');
    assert.deepEqual(p.spec!.tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
    assert.equal(p.spec!.restartPolicy, 'Always');
    assert.equal(p.spec!.containers[0]!.imagePullPolicy, 'IfNotPresent');
    assert.equal(p.spec!.priority, 0);
    // The same manifest on the same node and path has the same uid; node, path or content change it.
    const uid = (text: string, path: string, node: string) => (staticPodFromManifest(text, { path, nodeName: node }) as { pod: Pod }).pod.metadata.uid;
    const reordered = `kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - image: busybox:test\n    command: ["sleep", "3600"]\n    name: c\nmetadata:\n  name: web\n`;
    assert.equal(uid(reordered, '/etc/k/web.yaml', 'node-1'), p.metadata.uid);
    assert.notEqual(uid(manifest('web'), '/etc/k/web.yaml', 'node-2'), p.metadata.uid);
    assert.notEqual(uid(manifest('web'), '/etc/k/other.yaml', 'node-1'), p.metadata.uid);
    assert.notEqual(uid(manifest('web', '\n  labels: {a: b}'), '/etc/k/web.yaml', 'node-1'), p.metadata.uid);
  });

  it('reads JSON, keeps an explicit namespace and toleration, resolves system priorities', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'etcd', namespace: 'kube-system' }, spec: { priorityClassName: 'system-node-critical', tolerations: [{ operator: 'Exists', effect: 'NoExecute' }], containers: [{ name: 'e', image: 'etcd' }] } });
    const r = staticPodFromManifest(json, { path: '/m/etcd.json', nodeName: 'n' });
    assert.ok('pod' in r, JSON.stringify(r));
    assert.equal(r.pod.metadata.namespace, 'kube-system');
    assert.equal(r.pod.spec!.tolerations!.length, 1);
    assert.equal(r.pod.spec!.priority, 2000001000);
  });

  it('refuses what is not one valid Pod, with the reason', () => {
    const err = (text: string) => {
      const r = staticPodFromManifest(text, { path: '/m/x', nodeName: 'n' });
      assert.ok('error' in r, `refused: ${text}`);
      return r.error;
    };
    assert.match(err('kind: Pod\n  bad: [indent'), /invalid manifest/);
    assert.match(err('apiVersion: v1\nkind: Service\nmetadata: {name: s}\n'), /expected kind Pod/);
    assert.match(err(`${manifest('a')}---\n${manifest('b')}`), /more than one object/);
    assert.match(err('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: c\n'), /spec\.containers\[0\]\.image/);
    assert.match(err('apiVersion: v1\nkind: Pod\nspec: {containers: []}\n'), /metadata\.name/);
    assert.match(err(''), /no object/);
  });
});

describe('StaticPodSource', () => {
  it('reads a directory, skips hidden files, subdirectories and bad manifests (logged once)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-static-src-'));
    const logs: string[] = [];
    const seen: Pod[][] = [];
    const src = new StaticPodSource({ path: dir, nodeName: 'n1', onChange: (p) => seen.push(p), log: (l) => logs.push(l), rescanMs: 3_600_000 });
    try {
      writeFileSync(join(dir, 'a.yaml'), manifest('a'));
      writeFileSync(join(dir, '.hidden.yaml'), manifest('hidden'));
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'b.yaml'), manifest('b'));
      writeFileSync(join(dir, 'bad.yaml'), 'kind: Pod\nspec: [');
      writeFileSync(join(dir, 'dup.yaml'), manifest('a'));
      await src.rescan();
      await src.rescan();
      assert.deepEqual(src.current().map((p) => p.metadata.name), ['a-n1']);
      assert.equal(seen.length, 1, 'an unchanged directory yields once');
      assert.equal(logs.filter((l) => l.includes('bad.yaml')).length, 1, logs.join('\n'));
      assert.equal(logs.filter((l) => l.includes('dup.yaml') && l.includes('already defined')).length, 1, logs.join('\n'));
      const seenAt = src.current()[0]!.metadata.annotations![CONFIG_SEEN_ANNOTATION];
      writeFileSync(join(dir, 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' }, spec: { containers: [{ name: 'c', image: 'x' }] } }));
      await src.rescan();
      assert.deepEqual(src.current().map((p) => p.metadata.name).sort(), ['a-n1', 'c-n1']);
      assert.equal(src.current().find((p) => p.metadata.name === 'a-n1')!.metadata.annotations![CONFIG_SEEN_ANNOTATION], seenAt, 'an unchanged pod keeps when it was first seen');
      assert.equal(seen.length, 2);
    } finally {
      src.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a single file and yields nothing for a missing path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-static-file-'));
    const file = join(dir, 'only.yaml');
    const src = new StaticPodSource({ path: file, nodeName: 'n1', onChange: () => undefined, rescanMs: 3_600_000 });
    try {
      await src.rescan();
      assert.deepEqual(src.current(), []);
      writeFileSync(file, manifest('solo'));
      await src.rescan();
      assert.deepEqual(src.current().map((p) => p.metadata.name), ['solo-n1']);
    } finally {
      src.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mirror pods', () => {
  let c: TestCluster;
  let client: RestClient;
  let dir: string;
  let nodeUid: string;
  let sp: StaticPods | undefined;
  const NODE = 'static-node';
  const getPod = async (name: string): Promise<Pod | undefined> => {
    const r = await c.http('GET', `/api/v1/namespaces/default/pods/${name}`);
    return r.status === 200 ? r.json() : undefined;
  };

  before(async () => {
    c = await startTestCluster();
    client = new RestClient(loadKubeconfig(c.kubeconfig), 'static-pods-test');
    dir = mkdtempSync(join(tmpdir(), 'k8ts-static-'));
    const created = await c.http('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
    assert.equal(created.status, 201, created.body);
    nodeUid = created.json().metadata.uid;
  });
  after(async () => {
    sp?.stop();
    client.close();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, recreates, replaces and removes the mirror pod of a manifest', async () => {
    // A mirror left behind by an earlier run, whose manifest is gone: it is removed.
    const stale = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `old-${NODE}`, namespace: 'default', annotations: { [CONFIG_MIRROR_ANNOTATION]: 'feed', [CONFIG_HASH_ANNOTATION]: 'feed' } }, spec: { nodeName: NODE, containers: [{ name: 'c', image: 'x' }] } };
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/pods', stale)).status, 201);
    // A pod on the node that is not a mirror is left alone.
    const plain = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain', namespace: 'default' }, spec: { nodeName: NODE, containers: [{ name: 'c', image: 'x' }] } };
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/pods', plain)).status, 201);

    writeFileSync(join(dir, 'web.yaml'), manifest('web'));
    const logs: string[] = [];
    sp = startStaticPods({ path: dir, nodeName: NODE, nodeUid: () => nodeUid, client, log: (l) => logs.push(l) });
    const name = `web-${NODE}`;
    const first = await eventually(() => getPod(name), 15_000);
    const a = first.metadata.annotations!;
    assert.match(a[CONFIG_MIRROR_ANNOTATION]!, /^[0-9a-f]{32}$/);
    assert.equal(a[CONFIG_HASH_ANNOTATION], a[CONFIG_MIRROR_ANNOTATION]);
    assert.equal(a[CONFIG_SOURCE_ANNOTATION], 'file');
    assert.ok(a[CONFIG_SEEN_ANNOTATION]);
    assert.deepEqual(first.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: nodeUid, controller: true }]);
    assert.equal(first.spec!.nodeName, NODE);
    assert.ok(first.spec!.tolerations!.some((t) => t.operator === 'Exists' && t.effect === 'NoExecute' && !t.key));
    assert.ok(sp.isStatic(first));
    assert.equal(sp.staticPodOf(first)!.metadata.uid, a[CONFIG_HASH_ANNOTATION]);
    await eventually(async () => !(await getPod(`old-${NODE}`)), 15_000);
    assert.ok(await getPod('plain'));
    assert.ok(!sp.isStatic((await getPod('plain'))!));

    // Deleted by a user: back, as a new object with the same hash.
    const del = await c.kubectl(['delete', 'pod', name, '--wait=false']);
    assert.equal(del.code, 0, del.stderr);
    const again = await eventually(async () => {
      const p = await getPod(name);
      return p && p.metadata.uid !== first.metadata.uid && !p.metadata.deletionTimestamp && p;
    }, 15_000);
    assert.equal(again.metadata.annotations![CONFIG_MIRROR_ANNOTATION], a[CONFIG_MIRROR_ANNOTATION]);

    // Edited: replaced by a mirror of the new content (a new hash), seen through fs.watch.
    writeFileSync(join(dir, 'web.yaml'), manifest('web', '\n  labels:\n    tier: edited'));
    const edited = await eventually(async () => {
      const p = await getPod(name);
      return p && p.metadata.labels?.['tier'] === 'edited' && p;
    }, 10_000);
    assert.notEqual(edited.metadata.annotations![CONFIG_MIRROR_ANNOTATION], a[CONFIG_MIRROR_ANNOTATION]);
    assert.ok(sp.isStatic(edited));
    assert.ok(!sp.isStatic(again), 'the old copy no longer stands for the static pod');

    // A bad manifest beside it changes nothing and is reported.
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c}]}\n');
    await eventually(() => logs.some((l) => l.includes('broken.yaml')), 10_000);
    assert.equal((await getPod(name))!.metadata.uid, edited.metadata.uid);

    // Removed: the mirror goes.
    unlinkSync(join(dir, 'web.yaml'));
    await eventually(async () => !(await getPod(name)), 10_000);
    assert.ok(!logs.some((l) => /Error|TypeError/.test(l) && !l.includes('broken.yaml')), logs.join('\n'));
  });
});
