// The JSON v2 document as gnostic's protobuf Document. Maps become ordered (name, value) lists,
// parameters pick their oneof arm by `in`, and every `x-` key becomes a NamedAny whose value is
// YAML text, which is how gnostic carries vendor extensions and how kubectl reads them back.
// The document is encoded once per registry, on the first request for it.
import { gnosticType } from './gnostic-v2.js';

type Json = Record<string, unknown>;
type Msg = Record<string, unknown>;

/** What kubectl puts in Accept. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** What the response says it is: "@" is not a token character, so Go's mime parser rejects the Accept spelling. */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

// JSON is YAML (flow style), and writing it is an order of magnitude cheaper than a YAML
// emitter over the thousands of extensions and enum values in a document.
const yamlAny = (value: unknown): Msg => ({ yaml: JSON.stringify(value) });

function vendorExtensions(o: Json): Msg[] {
  return Object.keys(o)
    .filter((k) => k.startsWith('x-'))
    .map((k) => ({ name: k, value: yamlAny(o[k]) }));
}

/** Copies the listed scalar keys, renamed from camelCase JSON to the message's snake_case. */
function scalars(o: Json, keys: readonly string[], out: Msg): Msg {
  for (const k of keys) {
    if (o[k] === undefined) continue;
    out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = o[k];
  }
  return out;
}

const SCHEMA_SCALARS = ['format', 'title', 'description', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'discriminator', 'readOnly'] as const;

export function schemaMessage(s: Json): Msg {
  const out: Msg = {};
  if (typeof s['$ref'] === 'string') out['_ref'] = s['$ref'];
  scalars(s, SCHEMA_SCALARS, out);
  if (s['default'] !== undefined) out['default'] = yamlAny(s['default']);
  if (s['example'] !== undefined) out['example'] = yamlAny(s['example']);
  if (Array.isArray(s['required'])) out['required'] = s['required'];
  if (Array.isArray(s['enum'])) out['enum'] = s['enum'].map(yamlAny);
  if (s['type'] !== undefined) out['type'] = { value: Array.isArray(s['type']) ? s['type'] : [s['type']] };
  const ap = s['additionalProperties'];
  if (typeof ap === 'boolean') out['additional_properties'] = { boolean: ap };
  else if (ap && typeof ap === 'object') out['additional_properties'] = { schema: schemaMessage(ap as Json) };
  if (s['items'] && typeof s['items'] === 'object') out['items'] = { schema: (Array.isArray(s['items']) ? s['items'] : [s['items']]).map((i: Json) => schemaMessage(i)) };
  if (Array.isArray(s['allOf'])) out['all_of'] = s['allOf'].map((i: Json) => schemaMessage(i));
  const props = s['properties'] as Json | undefined;
  if (props) out['properties'] = { additional_properties: Object.keys(props).map((name) => ({ name, value: schemaMessage(props[name] as Json) })) };
  const ext = vendorExtensions(s);
  if (ext.length) out['vendor_extension'] = ext;
  return out;
}

const PARAMETER_SCALARS = ['required', 'in', 'description', 'name', 'allowEmptyValue', 'type', 'format', 'collectionFormat', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf'] as const;

/** The non-body arm for each `in`; header and path parameters have no allowEmptyValue. */
const NON_BODY_ARM: Record<string, string> = {
  query: 'query_parameter_sub_schema',
  path: 'path_parameter_sub_schema',
  header: 'header_parameter_sub_schema',
  formData: 'form_data_parameter_sub_schema',
};

function parameterMessage(p: Json): Msg {
  if (typeof p['$ref'] === 'string') return { json_reference: { _ref: p['$ref'] } };
  const ext = vendorExtensions(p);
  if (p['in'] === 'body') {
    const body = scalars(p, ['description', 'name', 'in', 'required'], {});
    if (p['schema']) body['schema'] = schemaMessage(p['schema'] as Json);
    if (ext.length) body['vendor_extension'] = ext;
    return { parameter: { body_parameter: body } };
  }
  const arm = NON_BODY_ARM[String(p['in'])];
  if (!arm) throw new Error(`openapi v2: parameter ${String(p['name'])} has unknown location ${String(p['in'])}`);
  const keys = p['in'] === 'header' || p['in'] === 'path' ? PARAMETER_SCALARS.filter((k) => k !== 'allowEmptyValue') : PARAMETER_SCALARS;
  const sub = scalars(p, keys, {});
  if (p['default'] !== undefined) sub['default'] = yamlAny(p['default']);
  if (Array.isArray(p['enum'])) sub['enum'] = p['enum'].map(yamlAny);
  if (ext.length) sub['vendor_extension'] = ext;
  return { parameter: { non_body_parameter: { [arm]: sub } } };
}

function responsesMessage(r: Json): Msg {
  const codes = Object.keys(r).filter((k) => !k.startsWith('x-'));
  return {
    response_code: codes.map((code) => {
      const v = r[code] as Json;
      if (typeof v['$ref'] === 'string') return { name: code, value: { json_reference: { _ref: v['$ref'] } } };
      const resp: Msg = { description: v['description'] ?? '' };
      if (v['schema']) resp['schema'] = { schema: schemaMessage(v['schema'] as Json) };
      return { name: code, value: { response: resp } };
    }),
    vendor_extension: vendorExtensions(r),
  };
}

const OPERATION_SCALARS = ['summary', 'description', 'operationId', 'deprecated'] as const;

function operationMessage(o: Json): Msg {
  const out = scalars(o, OPERATION_SCALARS, {});
  for (const k of ['tags', 'produces', 'consumes', 'schemes'] as const) if (Array.isArray(o[k])) out[k] = o[k];
  if (Array.isArray(o['parameters'])) out['parameters'] = o['parameters'].map((p: Json) => parameterMessage(p));
  if (o['responses']) out['responses'] = responsesMessage(o['responses'] as Json);
  out['vendor_extension'] = vendorExtensions(o);
  return out;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function pathItemMessage(p: Json): Msg {
  const out: Msg = {};
  for (const m of METHODS) if (p[m]) out[m] = operationMessage(p[m] as Json);
  if (Array.isArray(p['parameters'])) out['parameters'] = p['parameters'].map((x: Json) => parameterMessage(x));
  out['vendor_extension'] = vendorExtensions(p);
  return out;
}

function securityDefinitionsMessage(defs: Json): Msg {
  return {
    additional_properties: Object.keys(defs).map((name) => {
      const d = defs[name] as Json;
      if (d['type'] !== 'apiKey') throw new Error(`openapi v2: security definition ${name} of type ${String(d['type'])} is not supported`);
      return { name, value: { api_key_security: scalars(d, ['type', 'name', 'in', 'description'], {}) } };
    }),
  };
}

/** The gnostic Document message for a JSON v2 document. */
export function documentMessage(doc: Json): Msg {
  const out = scalars(doc, ['swagger', 'host', 'basePath'], {});
  const info = doc['info'] as Json | undefined;
  if (info) out['info'] = scalars(info, ['title', 'version', 'description', 'termsOfService'], {});
  for (const k of ['schemes', 'consumes', 'produces'] as const) if (Array.isArray(doc[k])) out[k] = doc[k];
  const paths = (doc['paths'] ?? {}) as Json;
  out['paths'] = { path: Object.keys(paths).map((name) => ({ name, value: pathItemMessage(paths[name] as Json) })) };
  const defs = (doc['definitions'] ?? {}) as Json;
  out['definitions'] = { additional_properties: Object.keys(defs).map((name) => ({ name, value: schemaMessage(defs[name] as Json) })) };
  if (Array.isArray(doc['security'])) {
    out['security'] = doc['security'].map((req: Json) => ({ additional_properties: Object.keys(req).map((name) => ({ name, value: { value: req[name] } })) }));
  }
  if (doc['securityDefinitions']) out['security_definitions'] = securityDefinitionsMessage(doc['securityDefinitions'] as Json);
  out['vendor_extension'] = vendorExtensions(doc);
  return out;
}

/** Encodes a JSON v2 document as the protobuf bytes kubectl asks for. */
export function encodeOpenApiV2(doc: Json): Uint8Array {
  const type = gnosticType('Document');
  // The message objects already have the field types encode expects; fromObject would only copy them.
  return type.encode(documentMessage(doc)).finish();
}

/** Decodes the protobuf form back to plain message objects (for tests and diagnostics). */
export function decodeOpenApiV2(bytes: Uint8Array): Msg {
  const type = gnosticType('Document');
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true, oneofs: false }) as Msg;
}
