import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { parse } from 'yaml';
import { allKinds, PREFERRED_VERSIONS } from '../../api/scheme/all.js';
import { Registry } from '../registry/registry.js';
import { openApiV2 } from './documents.js';
import { decodeOpenApiV2, encodeOpenApiV2 } from './encode-v2.js';
import { negotiateV2 } from './serve.js';

type Msg = Record<string, any>;

const registry = new Registry(allKinds, PREFERRED_VERSIONS);
const json = openApiV2(registry) as Msg;
const bytes = encodeOpenApiV2(json);
const decoded = decodeOpenApiV2(bytes) as Msg;

/** Top-level field numbers and wire types, read without our descriptor. */
function topLevelFields(buf: Uint8Array): Map<number, number[]> {
  const r = protobuf.Reader.create(buf);
  const seen = new Map<number, number[]>();
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    seen.set(field, [...(seen.get(field) ?? []), tag & 7]);
    r.skipType(tag & 7);
  }
  return seen;
}

test('the Document carries swagger, info, paths, definitions and security under gnostic field numbers', () => {
  const fields = topLevelFields(bytes);
  // Document: swagger=1 info=2 paths=8 definitions=9 security=12 security_definitions=13, all length-delimited.
  for (const n of [1, 2, 8, 9, 12, 13]) assert.deepEqual([...new Set(fields.get(n))], [2], `field ${n}`);
  const r = protobuf.Reader.create(bytes);
  assert.equal(r.uint32(), (1 << 3) | 2);
  assert.equal(r.string(), '2.0');
});

test('every definition survives the round trip with its properties, refs and descriptions', () => {
  const defs = decoded['definitions']['additional_properties'] as Msg[];
  assert.equal(defs.length, Object.keys(json['definitions'] as object).length);
  const pod = defs.find((d) => d['name'] === 'io.k8s.api.core.v1.Pod')!['value'] as Msg;
  assert.deepEqual(pod['type']['value'], ['object']);
  const spec = (pod['properties']['additional_properties'] as Msg[]).find((p) => p['name'] === 'spec')!['value'];
  assert.equal(spec['_ref'], '#/definitions/io.k8s.api.core.v1.PodSpec');
  assert.ok(spec['description']);
});

test('vendor extensions are NamedAny values holding YAML', () => {
  const defs = decoded['definitions']['additional_properties'] as Msg[];
  const deploy = defs.find((d) => d['name'] === 'io.k8s.api.apps.v1.Deployment')!['value'] as Msg;
  const gvk = (deploy['vendor_extension'] as Msg[]).find((e) => e['name'] === 'x-kubernetes-group-version-kind')!;
  assert.deepEqual(parse(gvk['value']['yaml']), [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  const container = defs.find((d) => d['name'] === 'io.k8s.api.core.v1.Container')!['value'] as Msg;
  const env = (container['properties']['additional_properties'] as Msg[]).find((p) => p['name'] === 'env')!['value'] as Msg;
  const ext = Object.fromEntries((env['vendor_extension'] as Msg[]).map((e) => [e['name'], parse(e['value']['yaml'])]));
  assert.equal(ext['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(ext['x-kubernetes-patch-strategy'], 'merge');
});

test('the PATCH operation of a kind has its GVK and a fieldValidation query parameter', () => {
  const paths = decoded['paths']['path'] as Msg[];
  const item = paths.find((p) => p['name'] === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}')!['value'] as Msg;
  const ext = (item['patch']['vendor_extension'] as Msg[]).find((e) => e['name'] === 'x-kubernetes-group-version-kind')!;
  assert.deepEqual(parse(ext['value']['yaml']), { group: 'apps', version: 'v1', kind: 'Deployment' });
  const params = item['patch']['parameters'] as Msg[];
  const query = params.map((p) => p['parameter']?.['non_body_parameter']?.['query_parameter_sub_schema']).filter(Boolean);
  assert.ok(query.some((q: Msg) => q['name'] === 'fieldValidation' && q['in'] === 'query'));
  const body = params.map((p) => p['parameter']?.['body_parameter']).find(Boolean) as Msg;
  assert.equal(body['in'], 'body');
  assert.equal(body['schema']['_ref'], '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
  const path = params.map((p) => p['parameter']?.['non_body_parameter']?.['path_parameter_sub_schema']).filter(Boolean) as Msg[];
  assert.deepEqual(path.map((p) => p['name']).sort(), ['name', 'namespace']);
});

test('/openapi/v2 negotiation: protobuf when asked for, JSON by default, nothing for other types', () => {
  assert.equal(negotiateV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), 'protobuf');
  assert.equal(negotiateV2('application/com.github.proto-openapi.spec.v2.v1.0+protobuf'), 'protobuf');
  assert.equal(negotiateV2('application/json, */*'), 'json');
  assert.equal(negotiateV2(''), 'json');
  assert.equal(negotiateV2('*/*'), 'json');
  assert.equal(negotiateV2('application/vnd.kubernetes.protobuf'), undefined);
});
