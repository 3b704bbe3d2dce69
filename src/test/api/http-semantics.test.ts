// The API's contract at the HTTP level: status codes, Status bodies, limits, representations.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' }, ...extra });

describe('API HTTP semantics', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  it('health and version are open; everything else needs the credential', async () => {
    for (const p of ['/healthz', '/livez', '/readyz', '/version']) {
      const r = await c.http('GET', p, undefined, { Authorization: '' });
      assert.equal(r.status, 200, p);
    }
    assert.equal((await c.http('GET', '/readyz', undefined, { Authorization: '' })).body, 'ok');
    const denied = await c.http('GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer wrong' });
    assert.equal(denied.status, 401);
    assert.equal(denied.json().reason, 'Unauthorized');
  });

  it('errors are Status objects with upstream reasons and codes', async () => {
    const nf = await c.http('GET', '/api/v1/namespaces/default/configmaps/missing');
    assert.equal(nf.status, 404);
    assert.deepEqual({ kind: nf.json().kind, reason: nf.json().reason, message: nf.json().message }, { kind: 'Status', reason: 'NotFound', message: 'configmaps "missing" not found' });
    assert.equal((await c.http('GET', '/api/v1/nothings')).status, 404);
    assert.equal((await c.http('PUT', '/api/v1/namespaces/default/configmaps', cm('x'))).status, 405);
    const badType = await c.http('POST', '/api/v1/namespaces/default/configmaps', 'a=b', { 'Content-Type': 'text/plain' });
    assert.equal(badType.status, 415);
    assert.equal(badType.json().reason, 'UnsupportedMediaType');
    const badJson = await c.http('POST', '/api/v1/namespaces/default/configmaps', '{"kind":');
    assert.equal(badJson.status, 400);
    const mismatch = await c.http('POST', '/api/v1/namespaces/default/configmaps', { ...cm('y'), metadata: { name: 'y', namespace: 'other' } });
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.json().message, /the namespace of the provided object does not match the namespace sent on the request/);
  });

  it('bodies over 3 MiB are refused with 413 and change nothing', async () => {
    const big = cm('big', { data: { blob: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    const r = await c.http('POST', '/api/v1/namespaces/default/configmaps', big);
    assert.equal(r.status, 413);
    assert.equal(r.json().reason, 'RequestEntityTooLarge');
    assert.equal((await c.http('GET', '/api/v1/namespaces/default/configmaps/big')).status, 404);
  });

  it('YAML bodies are accepted; alias bombs and deep nesting are refused', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n';
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/configmaps', yaml, { 'Content-Type': 'application/yaml' })).status, 201);
    let bomb = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n';
    for (let i = 0; i < 12; i++) bomb += `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]\n`;
    const r = await c.http('POST', '/api/v1/namespaces/default/configmaps', bomb, { 'Content-Type': 'application/yaml' });
    assert.equal(r.status, 400);
    const deep = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    assert.equal((await c.http('POST', '/api/v1/namespaces/default/configmaps', deep)).status, 400);
    assert.equal((await c.http('GET', '/healthz')).status, 200);
  });

  it('dryRun=All validates and answers without storing', async () => {
    const r = await c.http('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', cm('dry'));
    assert.equal(r.status, 201);
    assert.equal(r.json().metadata.name, 'dry');
    assert.equal((await c.http('GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
  });

  it('generateName and deletecollection with a label selector', async () => {
    const made = await c.http('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-', labels: { batch: 'one' } } });
    assert.match(made.json().metadata.name, /^gen-[a-z0-9]{5}$/);
    await c.http('POST', '/api/v1/namespaces/default/configmaps', { ...cm('keep'), metadata: { name: 'keep', labels: { batch: 'two' } } });
    assert.equal((await c.http('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=batch%3Done')).status, 200);
    const left = (await c.http('GET', '/api/v1/namespaces/default/configmaps?labelSelector=batch')).json().items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(left, ['keep']);
  });

  it('serves Tables and partial metadata when asked', async () => {
    const t = (await c.http('GET', '/api/v1/namespaces/default/configmaps', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).json();
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.columnDefinitions.map((d: { name: string }) => d.name), ['Name', 'Data', 'Age']);
    assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata');
    const pm = (await c.http('GET', '/api/v1/namespaces', undefined, { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' })).json();
    assert.equal(pm.kind, 'PartialObjectMetadataList');
    assert.equal(pm.items[0].spec, undefined);
  });

  it('aggregated discovery answers with its own content type', async () => {
    const r = await c.http('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.match(String(r.headers['content-type']), /as=APIGroupDiscoveryList/);
    const apps = r.json().items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((x: { resource: string }) => x.resource === 'deployments');
    assert.deepEqual(deploy.subresources.map((s: { subresource: string }) => s.subresource).sort(), ['scale', 'status']);
  });

  it('watch with sendInitialEvents ends its initial state with a bookmark and honours timeoutSeconds', async () => {
    const started = Date.now();
    const r = await c.http('GET', '/api/v1/namespaces?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=0&timeoutSeconds=1');
    assert.ok(Date.now() - started < 5000);
    const events = r.body.trim().split('\n').map((l) => JSON.parse(l));
    const bookmark = events.findIndex((e) => e.type === 'BOOKMARK');
    assert.ok(bookmark >= 4, r.body);
    assert.equal(events[bookmark].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    assert.ok(events.slice(0, bookmark).every((e) => e.type === 'ADDED'));
  });

  it('a terminating namespace refuses new content', async () => {
    await c.http('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'held' }, spec: { finalizers: ['kubernetes', 'example.com/hold'] } });
    await c.http('DELETE', '/api/v1/namespaces/held');
    await eventually(async () => (await c.http('GET', '/api/v1/namespaces/held')).json().status?.phase === 'Terminating');
    const r = await c.http('POST', '/api/v1/namespaces/held/configmaps', cm('late'));
    assert.equal(r.status, 403);
    assert.match(r.json().message, /unable to create new content in namespace held because it is being terminated/);
  });
});
