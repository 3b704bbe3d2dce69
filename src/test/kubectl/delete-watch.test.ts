// The real kubectl deleting objects every way, waiting for deletion, and watching changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';
import { seed } from './fixtures.js';

describe('kubectl delete, wait and watch', () => {
  let c: TestCluster;
  const ok = async (args: string[]) => {
    const r = await c.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  /** A ConfigMap from a manifest (kubectl's typed `create configmap` is covered in typed-create). */
  const configMap = async (name: string, labels: Record<string, string> = {}) => {
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { v: '1' } };
    return ok(['create', '-f', c.file(`${name}.json`, JSON.stringify(manifest))]);
  };
  const names = async (args: string[]) => (await ok([...args, '-o', 'name'])).trim().split('\n').filter(Boolean).sort();

  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  it('delete by name', async () => {
    await ok(['create', '-f', seed('pod-example.yaml')]);
    assert.equal((await ok(['delete', 'pod', 'pod-example'])).trim(), 'pod "pod-example" deleted');
    const r = await c.kubectl(['get', 'pod', 'pod-example']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(NotFound\): pods "pod-example" not found/);
  });

  it('delete -f removes everything in the file, including a namespace and its contents', async () => {
    await ok(['create', '-f', seed('development-www.yaml')]);
    const out = await ok(['delete', '-f', seed('development-www.yaml'), '--timeout=30s']);
    assert.match(out, /namespace "development" deleted/);
    assert.match(out, /pod "www" deleted/);
    assert.notEqual((await c.kubectl(['get', 'namespace', 'development'])).code, 0);
  });

  it('delete -l removes only the selected objects', async () => {
    for (const [n, app] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) await configMap(`sel-${n}`, { app: app! });
    await ok(['delete', 'cm', '-l', 'app=x']);
    assert.deepEqual(await names(['get', 'cm', '-l', 'app']), ['configmap/sel-c']);
  });

  it('delete --all empties the namespace of that kind', async () => {
    await ok(['create', '-f', seed('multipod.yaml')]);
    await ok(['create', '-f', seed('nginx-pod-label.yaml')]);
    await ok(['delete', 'pods', '--all']);
    assert.deepEqual(await names(['get', 'pods']), []);
  });

  it('wait --for=delete returns once the object is gone', async () => {
    await ok(['create', '-f', seed('rs-example.yaml')]);
    const waiting = c.kubectl(['wait', '--for=delete', 'rs/rs-example', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 500));
    await ok(['delete', 'rs', 'rs-example', '--wait=false']);
    const w = await waiting;
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /replicaset.apps\/rs-example condition met/);
  });

  it('get -w prints the current state and then later changes', async () => {
    await configMap('watched');
    const watching = c.kubectl(['get', 'configmaps', '-w', '--request-timeout=8s'], { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 1000));
    await configMap('watched-later');
    await ok(['patch', 'configmap', 'watched', '-p', '{"data":{"w":"2"}}']);
    const r = await watching;
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+DATA\s+AGE$/);
    assert.ok(lines.some((l) => /^watched\s+1\s+/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^watched-later\s+1\s+/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^watched\s+2\s+/.test(l)), r.stdout);
  });

  it('a watch from an old resourceVersion replays what happened since', async () => {
    const list = await c.http('GET', '/api/v1/namespaces/default/configmaps');
    const rv = list.json().metadata.resourceVersion;
    await configMap('replayed');
    await ok(['delete', 'configmap', 'replayed']);
    const res = await c.http('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    const events = res.body.trim().split('\n').map((l) => JSON.parse(l));
    const mine = events.filter((e) => e.object.metadata.name === 'replayed').map((e) => e.type);
    assert.deepEqual(mine, ['ADDED', 'DELETED']);
  });

  it('graceful deletion of a bound pod keeps it Terminating until the grace period is cut to zero', async () => {
    await ok(['create', '-f', seed('pod-example.yaml')]);
    const bind = await c.http('POST', '/api/v1/namespaces/default/pods/pod-example/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'pod-example' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
    assert.equal(bind.status, 201, bind.body);
    await ok(['delete', 'pod', 'pod-example', '--wait=false']);
    const p = JSON.parse(await ok(['get', 'pod', 'pod-example', '-o', 'json']));
    assert.ok(p.metadata.deletionTimestamp);
    assert.equal(p.metadata.deletionGracePeriodSeconds, 30);
    assert.match(await ok(['get', 'pod', 'pod-example']), /pod-example\s+0\/1\s+Terminating/);
    await ok(['delete', 'pod', 'pod-example', '--grace-period=0', '--force']);
    await eventually(async () => (await c.kubectl(['get', 'pod', 'pod-example'])).code !== 0);
  });
});
