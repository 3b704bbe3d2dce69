import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allKinds, PREFERRED_VERSIONS } from '../../api/scheme/all.js';
import { Registry } from '../registry/registry.js';
import { openApiV2, openApiV3 } from './documents.js';

type Json = Record<string, any>;

const registry = new Registry(allKinds, PREFERRED_VERSIONS);

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) refsIn(x, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

function v3Docs(): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  for (const g of registry.groups()) for (const v of g.versions) out.push([`${g.group}/${v}`, openApiV3(registry, g.group, v) as Json]);
  return out;
}

test('every served kind and its list are tagged with their GVK in the v3 document of their group-version', () => {
  for (const e of registry.entries()) {
    const doc = openApiV3(registry, e.group, e.version) as Json;
    const schemas = doc['components']['schemas'] as Json;
    const tagged = (kind: string) =>
      Object.values(schemas).some((s: Json) => (s['x-kubernetes-group-version-kind'] ?? []).some((g: Json) => g['group'] === e.group && g['version'] === e.version && g['kind'] === kind));
    assert.ok(tagged(e.kind), `${e.apiVersion} ${e.kind} has no tagged schema`);
    assert.ok(tagged(`${e.kind}List`), `${e.apiVersion} ${e.kind}List has no tagged schema`);
  }
});

test('every served kind is tagged in the v2 document', () => {
  const defs = openApiV2(registry)['definitions'] as Json;
  for (const e of registry.entries()) {
    const tags = (defs[e.def.schema]?.['x-kubernetes-group-version-kind'] ?? []) as Json[];
    assert.ok(tags.some((g) => g['group'] === e.group && g['version'] === e.version && g['kind'] === e.kind), `${e.apiVersion} ${e.kind}`);
  }
});

test('every $ref in every document resolves inside that document', () => {
  for (const [gv, doc] of v3Docs()) {
    const schemas = doc['components']['schemas'] as Json;
    for (const r of refsIn(doc)) {
      assert.ok(r.startsWith('#/components/schemas/'), `${gv}: ${r}`);
      assert.ok(schemas[r.slice('#/components/schemas/'.length)], `${gv}: dangling ${r}`);
    }
  }
  const v2 = openApiV2(registry);
  const defs = v2['definitions'] as Json;
  for (const r of refsIn(v2)) {
    assert.ok(r.startsWith('#/definitions/'), r);
    assert.ok(defs[r.slice('#/definitions/'.length)], `v2: dangling ${r}`);
  }
});

test('v2 refs carry no type and v2 uses no v3-only keywords (kubectl rejects such models)', () => {
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (!node || typeof node !== 'object') return;
    const o = node as Json;
    if (typeof o['$ref'] === 'string') assert.equal(o['type'], undefined, path);
    for (const k of ['allOf', 'oneOf', 'anyOf', 'nullable']) assert.equal(o[k], undefined, `${path}.${k}`);
    for (const [k, v] of Object.entries(o)) {
      if (k.startsWith('x-')) continue;
      // A properties map names fields, not keywords (JSONSchemaProps has fields called allOf and nullable).
      if (k === 'properties' && v && typeof v === 'object') for (const [f, s] of Object.entries(v as Json)) walk(s, `${path}.properties.${f}`);
      else walk(v, `${path}.${k}`);
    }
  };
  walk(openApiV2(registry)['definitions'], 'definitions');
});

test('every PATCH operation of a kind offers the fieldValidation query parameter kubectl probes for', () => {
  for (const [gv, doc] of v3Docs()) {
    for (const [path, item] of Object.entries(doc['paths'] as Json)) {
      const patch = (item as Json)['patch'];
      if (!patch) continue;
      assert.ok(patch['x-kubernetes-group-version-kind'], `${gv} ${path}`);
      assert.ok((patch['parameters'] as Json[]).some((p) => p['name'] === 'fieldValidation' && p['in'] === 'query'), `${gv} ${path}`);
    }
  }
});

test('IntOrString and Quantity are published as upstream does (oneOf in v3, string in v2)', () => {
  const core = (openApiV3(registry, '', 'v1') as Json)['components']['schemas'] as Json;
  assert.deepEqual(core['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['oneOf'], [{ type: 'integer' }, { type: 'string' }]);
  assert.equal(core['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['type'], undefined);
  assert.deepEqual(core['io.k8s.apimachinery.pkg.api.resource.Quantity']['oneOf'], [{ type: 'string' }, { type: 'number' }]);
  const v2 = openApiV2(registry)['definitions'] as Json;
  assert.equal(v2['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['type'], 'string');
  assert.equal(v2['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['format'], 'int-or-string');
});

test('a described ref is wrapped in allOf in v3 and keeps the description beside $ref in v2', () => {
  const pod3 = (openApiV3(registry, '', 'v1') as Json)['components']['schemas']['io.k8s.api.core.v1.Pod'] as Json;
  assert.deepEqual(pod3['properties']['spec']['allOf'], [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }]);
  assert.ok(pod3['properties']['spec']['description']);
  const pod2 = (openApiV2(registry)['definitions'] as Json)['io.k8s.api.core.v1.Pod'] as Json;
  assert.equal(pod2['properties']['spec']['$ref'], '#/definitions/io.k8s.api.core.v1.PodSpec');
  assert.ok(pod2['properties']['spec']['description']);
});
