// Acceptance 6: the OpenAPI documents and strict field validation read the same type
// definitions. A test-only kind whose spec is DeploymentSpec plus one new field must show the
// field in /openapi/v3 and /openapi/v2 (JSON and protobuf) and have it accepted by Strict
// validation, while a field the schema lacks is rejected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { define, lookupDefinition, obj, ref, resolve, str, type ObjectSchema } from '../../api/schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../api/schema/meta.js';
import type { KindDefinition } from '../../api/scheme/kind.js';
import { allKinds, PREFERRED_VERSIONS } from '../../api/scheme/all.js';
import { ApiError } from '../errors.js';
import { Registry } from '../registry/registry.js';
import { checkFields } from '../handlers/field-validation.js';
import { openApiV2, openApiV3 } from './documents.js';
import { decodeOpenApiV2, encodeOpenApiV2 } from './encode-v2.js';

type Json = Record<string, any>;

const GROUP = 'gadgets.k8ts.example';
const SPEC = 'io.k8ts.example.gadgets.v1.GadgetSpec';
const KIND = 'io.k8ts.example.gadgets.v1.Gadget';
const COLOUR = 'Colour the gadget is painted; a field only this test defines.';

// The new type: every DeploymentSpec field, plus `colour`.
const deploymentSpec = resolve(lookupDefinition('io.k8s.api.apps.v1.DeploymentSpec')!) as ObjectSchema;
define(SPEC, obj({ ...deploymentSpec.properties, colour: str(COLOUR) }, { required: deploymentSpec.required, description: 'A DeploymentSpec with a colour.' }));
define(KIND, obj({ apiVersion: apiVersionField(), kind: kindField(), metadata: objectMeta(), spec: ref(SPEC, 'What the gadget should be.') }, { description: 'A test-only kind.' }));

const gadgets: KindDefinition = { group: GROUP, version: 'v1', kind: 'Gadget', plural: 'gadgets', singular: 'gadget', namespaced: true, schema: KIND };
const registry = new Registry([...allKinds, gadgets], PREFERRED_VERSIONS);
const entry = registry.lookup(GROUP, 'v1', 'gadgets')!;

const gadget = (spec: Json) => ({ apiVersion: `${GROUP}/v1`, kind: 'Gadget', metadata: { name: 'g', namespace: 'default' }, spec: { replicas: 2, ...spec } });

test('the new field appears in the v3 document of its group-version, with its description', () => {
  const doc = openApiV3(registry, GROUP, 'v1') as Json;
  const schemas = doc['components']['schemas'] as Json;
  assert.deepEqual(schemas[SPEC]['properties']['colour'], { type: 'string', description: COLOUR });
  assert.deepEqual(schemas[KIND]['x-kubernetes-group-version-kind'], [{ group: GROUP, version: 'v1', kind: 'Gadget' }]);
  // The copied fields come along with their own definitions.
  assert.ok(schemas['io.k8s.api.core.v1.PodTemplateSpec']);
  assert.ok(doc['paths'][`/apis/${GROUP}/v1/namespaces/{namespace}/gadgets/{name}`]['patch']);
});

test('the new field appears in the v2 document, as JSON and as protobuf', () => {
  const v2 = openApiV2(registry) as Json;
  assert.deepEqual(v2['definitions'][SPEC]['properties']['colour'], { type: 'string', description: COLOUR });
  const decoded = decodeOpenApiV2(encodeOpenApiV2(v2)) as Json;
  const spec = (decoded['definitions']['additional_properties'] as Json[]).find((d) => d['name'] === SPEC)!['value'];
  const colour = (spec['properties']['additional_properties'] as Json[]).find((p) => p['name'] === 'colour')!['value'];
  assert.deepEqual(colour['type']['value'], ['string']);
  assert.equal(colour['description'], COLOUR);
});

test('Strict field validation accepts the new field and rejects one the schema lacks', () => {
  assert.deepEqual(checkFields(entry, gadget({ colour: 'teal' }) as any, 'Strict'), []);
  assert.throws(
    () => checkFields(entry, gadget({ colour: 'teal', flavour: 'mint' }) as any, 'Strict'),
    (err: unknown) => err instanceof ApiError && err.code === 400 && err.message === 'Gadget in version "v1" cannot be handled as a Gadget: strict decoding error: unknown field "spec.flavour"',
  );
});

test('a field absent from the schema is absent from both documents', () => {
  const v3 = openApiV3(registry, GROUP, 'v1') as Json;
  const v2 = openApiV2(registry) as Json;
  assert.equal(v3['components']['schemas'][SPEC]['properties']['flavour'], undefined);
  assert.equal(v2['definitions'][SPEC]['properties']['flavour'], undefined);
});
