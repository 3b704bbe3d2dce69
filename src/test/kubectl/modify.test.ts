// The real kubectl changing objects: label, annotate, edit, patch, scale, describe.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../harness.js';
import { seed } from './fixtures.js';

describe('kubectl modifying verbs', () => {
  let c: TestCluster;
  const ok = async (args: string[], env?: Record<string, string>) => {
    const r = await c.kubectl(args, { env });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));

  before(async () => {
    c = await startTestCluster();
    await ok(['create', '-f', seed('nginx-pod-label.yaml')]);
    await ok(['create', '-f', seed('nginx-deployment.yaml')]);
    await ok(['create', '-f', seed('rs-example.yaml')]);
  });
  after(() => c?.stop());

  it('label adds, refuses to overwrite without --overwrite, overwrites with it, and removes', async () => {
    assert.equal((await ok(['label', 'pods', 'nginx', 'new-label=mynginx'])).trim(), 'pod/nginx labeled');
    const r = await c.kubectl(['label', 'pods', 'nginx', 'new-label=foo']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /'new-label' already has a value \(mynginx\), and --overwrite is false/);
    await ok(['label', 'pods', 'nginx', 'new-label=foo', '--overwrite']);
    assert.equal((await json(['get', 'pod', 'nginx'])).metadata.labels['new-label'], 'foo');
    const described = await ok(['describe', 'pods/nginx']);
    assert.match(described, /Labels:\s+app=nginx\n\s+new-label=foo/);
    await ok(['label', 'pods', 'nginx', 'new-label-']);
    assert.equal((await json(['get', 'pod', 'nginx'])).metadata.labels['new-label'], undefined);
  });

  it('annotate sets and overwrites annotations', async () => {
    await ok(['annotate', 'deployment', 'nginx-deployment', 'owner=team-a']);
    await ok(['annotate', 'deployment', 'nginx-deployment', 'owner=team-b', '--overwrite']);
    assert.equal((await json(['get', 'deployment', 'nginx-deployment'])).metadata.annotations.owner, 'team-b');
  });

  it('edit with a non-interactive EDITOR changes the object', async () => {
    const editor = c.file('editor.sh', '#!/bin/sh\nsed -i "s#image: nginx:1.7.9#image: nginx:1.9.1#" "$1"\n');
    chmodSync(editor, 0o755);
    const before = await json(['get', 'deployment', 'nginx-deployment']);
    assert.match(await ok(['edit', 'deployment/nginx-deployment'], { EDITOR: editor, KUBE_EDITOR: editor }), /deployment.apps\/nginx-deployment edited/);
    const afterEdit = await json(['get', 'deployment', 'nginx-deployment', '--show-managed-fields']);
    assert.equal(afterEdit.spec.template.spec.containers[0].image, 'nginx:1.9.1');
    assert.equal(afterEdit.metadata.generation, before.metadata.generation + 1);
    assert.ok(afterEdit.metadata.managedFields.some((m: { manager: string }) => m.manager === 'kubectl-edit'));
  });

  it('patch --type strategic merges containers by name', async () => {
    await ok(['patch', 'deployment', 'nginx-deployment', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}']);
    const d = await json(['get', 'deployment', 'nginx-deployment']);
    // Upstream's merge places items new to the list first (the kubectl patch task page shows the same).
    assert.deepEqual(d.spec.template.spec.containers.map((x: { name: string }) => x.name), ['sidecar', 'nginx']);
    assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'Always');
    assert.equal(d.spec.template.spec.containers[1].image, 'nginx:1.9.1');
  });

  it('patch --type merge replaces lists and deletes with null', async () => {
    await ok(['patch', 'pod', 'nginx', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"web","app":null}}}']);
    const p = await json(['get', 'pod', 'nginx']);
    assert.equal(p.metadata.labels.tier, 'web');
    assert.equal(p.metadata.labels.app, undefined);
  });

  it('patch --type json applies operations and reports a failing test op', async () => {
    await ok(['patch', 'pod', 'nginx', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.25"}]']);
    assert.equal((await json(['get', 'pod', 'nginx'])).spec.containers[0].image, 'nginx:1.25');
    const r = await c.kubectl(['patch', 'pod', 'nginx', '--type', 'json', '-p', '[{"op":"test","path":"/spec/containers/0/image","value":"nope"}]']);
    assert.notEqual(r.code, 0);
  });

  it('patch that breaks a pod update rule is refused as upstream', async () => {
    const r = await c.kubectl(['patch', 'pod', 'nginx', '--type', 'merge', '-p', '{"spec":{"restartPolicy":"Never"}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is invalid/);
    assert.match(r.stderr, /pod updates may not change fields other than/);
  });

  it('scale changes replicas through the scale subresource', async () => {
    assert.match(await ok(['scale', 'rs', 'rs-example', '--replicas=5']), /replicaset.apps\/rs-example scaled/);
    assert.equal((await json(['get', 'rs', 'rs-example'])).spec.replicas, 5);
    await ok(['scale', 'deployment/nginx-deployment', '--replicas=1']);
    assert.equal((await json(['get', 'deployment', 'nginx-deployment'])).spec.replicas, 1);
    const r = await c.kubectl(['scale', 'deployment/nginx-deployment', '--replicas=2', '--current-replicas=7']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Expected replicas to be 7, was 1/);
  });

  it('describe shows the object the way kubectl prints it', async () => {
    const d = await ok(['describe', 'deployment', 'nginx-deployment']);
    assert.match(d, /^Name:\s+nginx-deployment$/m);
    assert.match(d, /^Namespace:\s+default$/m);
    assert.match(d, /^Selector:\s+app=nginx$/m);
    assert.match(d, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(d, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    const p = await ok(['describe', 'pod', 'nginx']);
    assert.match(p, /^Status:\s+Pending$/m);
    assert.match(p, /Image:\s+nginx:1\.25/);
  });

  it('a stale resourceVersion on replace is a 409 Conflict', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas' }, data: { a: '1' } };
    await ok(['create', '-f', c.file('cas.json', JSON.stringify(cm))]);
    const current = await json(['get', 'cm', 'cas']);
    await ok(['patch', 'cm', 'cas', '-p', '{"data":{"a":"2"}}']);
    const stale = { ...current, data: { a: '3' } };
    const r = await c.kubectl(['replace', '-f', c.file('stale.json', JSON.stringify(stale))]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again/);
  });
});
