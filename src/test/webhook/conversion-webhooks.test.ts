// CRD conversion webhooks against an in-process control plane and the test webhook server:
// objects written in one version are read in the other (get, list, watch), writes are stored
// in the storage version, the storage version migrates (a no-op update rewrites, storedVersions
// can then be trimmed), and a webhook that answers garbage or is down fails with upstream's text
// while the storage version and everything else still work.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { objectKey } from '../../apiserver/registry/registry.js';
import { decodeKv } from '../../apiserver/watchcache/watch-cache.js';
import { startTestCluster, type TestCluster } from '../harness.js';
import { freePort, serviceYaml, startWebhookServer, type TestWebhookServer } from './serve.js';

let c: TestCluster;
let hooks: TestWebhookServer;
let downPort: number;

const NS = 'default';

function crdYaml(storage: 'v1' | 'v2', service = 'convert', path = '/convert'): string {
  const version = (name: string, spec: string) => `  - name: ${name}
    served: true
    storage: ${storage === name}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties: {${spec}}
`;
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.stable.k8ts.io}
spec:
  group: stable.k8ts.io
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig:
        caBundle: ${hooks.caBundle}
        service: {namespace: default, name: ${service}, path: ${path}, port: 443}
  versions:
${version('v1', 'size: {type: string}')}${version('v2', 'replicas: {type: integer}')}`;
}

async function apply(yaml: string): Promise<void> {
  const r = await c.kubectl(['apply', '-f', c.file(`m-${Math.random().toString(36).slice(2)}.yaml`, yaml)]);
  assert.equal(r.code, 0, r.stderr);
}

/** The apiVersion the object's bytes are stored in. */
async function storedVersion(name: string): Promise<string> {
  const entry = c.cp.apiServer.registry.lookup('stable.k8ts.io', 'v1', 'widgets')!;
  const kv = await c.cp.store.get(objectKey(entry, NS, name));
  return decodeKv(kv!).apiVersion!;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function servedVersions(): Promise<boolean> {
  const v1 = await c.http('GET', '/apis/stable.k8ts.io/v1/widgets');
  const v2 = await c.http('GET', '/apis/stable.k8ts.io/v2/widgets');
  return v1.status === 200 && v2.status === 200;
}

before(async () => {
  c = await startTestCluster();
  hooks = await startWebhookServer(['convert.default.svc']);
  downPort = await freePort();
  await apply(serviceYaml('convert', hooks.port, hooks.ip) + '---\n' + serviceYaml('convert-down', downPort, hooks.ip));
  await apply(crdYaml('v1'));
  await waitFor('the CRD to be served', servedVersions);
});

after(async () => {
  await hooks?.stop();
  await c?.stop();
});

describe('conversion webhooks', () => {
  test('objects written in one version are read in the other; writes are stored in the storage version', async () => {
    await apply('apiVersion: stable.k8ts.io/v1\nkind: Widget\nmetadata: {name: a, namespace: default, labels: {app: x}}\nspec: {size: "3"}\n');
    const a2 = (await c.http('GET', `/apis/stable.k8ts.io/v2/namespaces/${NS}/widgets/a`)).json();
    assert.equal(a2.apiVersion, 'stable.k8ts.io/v2');
    assert.deepEqual(a2.spec, { replicas: 3 });
    assert.equal(a2.metadata.labels.app, 'x');
    await apply('apiVersion: stable.k8ts.io/v2\nkind: Widget\nmetadata: {name: b, namespace: default}\nspec: {replicas: 5}\n');
    assert.equal(await storedVersion('b'), 'stable.k8ts.io/v1');
    const b1 = (await c.http('GET', `/apis/stable.k8ts.io/v1/namespaces/${NS}/widgets/b`)).json();
    assert.deepEqual(b1.spec, { size: '5' });
    const list = await c.kubectl(['get', 'widgets.v2.stable.k8ts.io', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.replicas} {end}']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout.trim(), 'a=3 b=5');
    const watch = await c.http('GET', `/apis/stable.k8ts.io/v2/namespaces/${NS}/widgets?watch=1&timeoutSeconds=1`);
    const events = watch.body.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.type, e.object.apiVersion, e.object.spec.replicas]), [['ADDED', 'stable.k8ts.io/v2', 3], ['ADDED', 'stable.k8ts.io/v2', 5]]);
  });

  test('the storage version migrates: a no-op update rewrites in the new version, storedVersions is trimmed', async () => {
    await apply(crdYaml('v2'));
    await waitFor('storedVersions [v1 v2]', async () => JSON.stringify((await c.http('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.stable.k8ts.io')).json().status?.storedVersions) === '["v1","v2"]');
    await waitFor('v2 storage served', async () => {
      const r = await c.http('POST', `/apis/stable.k8ts.io/v1/namespaces/${NS}/widgets?dryRun=All`, { apiVersion: 'stable.k8ts.io/v1', kind: 'Widget', metadata: { name: 'probe' }, spec: { size: '1' } });
      return r.status === 201;
    });
    assert.equal(await storedVersion('a'), 'stable.k8ts.io/v1');
    // What upstream's storage-version-migrator does: an update that changes nothing.
    for (const name of ['a', 'b']) {
      const cur = (await c.http('GET', `/apis/stable.k8ts.io/v1/namespaces/${NS}/widgets/${name}`)).json();
      const r = await c.http('PUT', `/apis/stable.k8ts.io/v1/namespaces/${NS}/widgets/${name}`, cur);
      assert.equal(r.status, 200, r.body);
      assert.equal(await storedVersion(name), 'stable.k8ts.io/v2');
    }
    const stored = (await c.http('GET', `/apis/stable.k8ts.io/v2/namespaces/${NS}/widgets/a`)).json();
    assert.deepEqual(stored.spec, { replicas: 3 });
    const trim = await c.http('PATCH', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.stable.k8ts.io/status', { status: { storedVersions: ['v2'] } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(trim.status, 200, trim.body);
    assert.deepEqual(trim.json().status.storedVersions, ['v2']);
  });

  test('a webhook answering garbage, or down: upstream\'s errors, the storage version and the rest unaffected', async () => {
    await apply(crdYaml('v2', 'convert', '/garbage'));
    let got: { status: number; body: string } = { status: 0, body: '' };
    await waitFor('the garbage webhook in use', async () => {
      got = await c.http('GET', `/apis/stable.k8ts.io/v1/namespaces/${NS}/widgets/a`);
      return got.status === 500;
    });
    assert.match(JSON.parse(got.body).message, /^conversion webhook for stable\.k8ts\.io\/v2, Kind=Widget failed: couldn't get version\/kind; json parse error: /);
    const k = await c.kubectl(['get', 'widgets.v1.stable.k8ts.io', 'a']);
    assert.notEqual(k.code, 0);
    assert.match(k.stderr, /Error from server: conversion webhook for stable\.k8ts\.io\/v2, Kind=Widget failed: /);
    // A list fails as a whole, named by the list's kind.
    const list = await c.http('GET', `/apis/stable.k8ts.io/v1/namespaces/${NS}/widgets`);
    assert.equal(list.status, 500);
    assert.match(list.json().message, /^conversion webhook for stable\.k8ts\.io\/v2, Kind=WidgetList failed: /);
    // The storage version needs no conversion; other resources are untouched.
    assert.equal((await c.http('GET', `/apis/stable.k8ts.io/v2/namespaces/${NS}/widgets/a`)).status, 200);
    assert.equal((await c.kubectl(['create', 'configmap', 'still-fine'])).code, 0);

    await apply(crdYaml('v2', 'convert-down'));
    await waitFor('the down webhook in use', async () => {
      got = await c.http('GET', `/apis/stable.k8ts.io/v1/namespaces/${NS}/widgets/a`);
      return got.status === 500 && JSON.parse(got.body).message.includes('connection refused');
    });
    assert.equal(JSON.parse(got.body).message, `conversion webhook for stable.k8ts.io/v2, Kind=Widget failed: Post "https://convert-down.default.svc:443/convert?timeout=30s": dial tcp ${hooks.ip}:${downPort}: connect: connection refused`);
    // A write in a non-storage version cannot be converted either: refused, nothing stored.
    const w = await c.http('POST', `/apis/stable.k8ts.io/v1/namespaces/${NS}/widgets`, { apiVersion: 'stable.k8ts.io/v1', kind: 'Widget', metadata: { name: 'c' }, spec: { size: '1' } });
    assert.equal(w.status, 500);
    assert.equal((await c.http('GET', `/apis/stable.k8ts.io/v2/namespaces/${NS}/widgets/c`)).status, 404);
  });
});
