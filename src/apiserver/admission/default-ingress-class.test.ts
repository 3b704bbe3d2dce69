import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../test/harness.js';
import { defaultClassName } from './default-ingress-class.js';

const cls = (name: string, isDefault: boolean, created = '2026-01-01T00:00:00Z') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, creationTimestamp: created, annotations: (isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {}) as Record<string, string> }, spec: { controller: `example.com/${name}` } });
const ingress = (name: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, annotations },
  spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } }, ...spec },
});

describe('DefaultIngressClass admission', () => {
  let c: TestCluster;
  before(async () => (c = await startTestCluster()));
  after(async () => c?.stop());

  it('picks the default class, the newest of several', () => {
    assert.equal(defaultClassName([cls('a', false)]), undefined);
    assert.equal(defaultClassName([cls('a', true, '2026-01-01T00:00:00Z'), cls('b', true, '2026-02-01T00:00:00Z'), cls('c', false)]), 'b');
  });

  it('without a default class an Ingress keeps no class', async () => {
    const r = await c.http('POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', ingress('before-default'));
    assert.equal(r.status, 201, r.body);
    assert.equal(r.json().spec.ingressClassName, undefined);
  });

  it('a new Ingress naming no class gets the default; a named class or the legacy annotation is kept; updates are left alone', async () => {
    assert.equal((await c.http('POST', '/apis/networking.k8s.io/v1/ingressclasses', cls('k8ts', true))).status, 201);
    assert.equal((await c.http('POST', '/apis/networking.k8s.io/v1/ingressclasses', cls('other', false))).status, 201);
    const made = await c.http('POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', ingress('plain'));
    assert.equal(made.status, 201, made.body);
    assert.equal(made.json().spec.ingressClassName, 'k8ts');
    const named = await c.http('POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', ingress('named', { ingressClassName: 'other' }));
    assert.equal(named.json().spec.ingressClassName, 'other');
    const legacy = await c.http('POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', ingress('legacy', {}, { 'kubernetes.io/ingress.class': 'other' }));
    assert.equal(legacy.json().spec.ingressClassName, undefined);
    const old = (await c.http('GET', '/apis/networking.k8s.io/v1/namespaces/default/ingresses/before-default')).json();
    const updated = await c.http('PUT', '/apis/networking.k8s.io/v1/namespaces/default/ingresses/before-default', old);
    assert.equal(updated.status, 200, updated.body);
    assert.equal(updated.json().spec.ingressClassName, undefined);
    const shown = await c.kubectl(['get', 'ingress', 'plain']);
    assert.match(shown.stdout, /^plain\s+k8ts\s/m, shown.stdout + shown.stderr);
  });
});
