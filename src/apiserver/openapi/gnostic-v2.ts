// The subset of gnostic's OpenAPI v2 protobuf schema (package openapi.v2, file OpenAPIv2.proto of
// github.com/google/gnostic-models) that a Kubernetes v2 document uses. This is what kubectl
// reads from /openapi/v2 when it asks for application/com.github.proto-openapi.spec.v2@v1.0+protobuf.
// Field numbers are the wire format's and must match gnostic's; field names keep the .proto's
// snake_case so messages built for it read like the .proto.
import protobuf from 'protobufjs';

type FieldSpec = [type: string, id: number, repeated?: 'repeated'];

/** A message descriptor in protobufjs's JSON form; `oneofs` lists a oneof's member fields. */
function message(fields: Record<string, FieldSpec>, oneof?: string[]): protobuf.IType {
  const out: protobuf.IType = { fields: {} };
  for (const [name, [type, id, rule]] of Object.entries(fields)) out.fields[name] = rule ? { type, id, rule } : { type, id };
  if (oneof) out.oneofs = { oneof: { oneof } };
  return out;
}

const vendorExtension = (id: number): FieldSpec => ['NamedAny', id, 'repeated'];

/** The numeric and list constraints shared by every non-body parameter kind, from `type` on. */
function parameterTail(first: number): Record<string, FieldSpec> {
  const names: Array<[string, string, 'repeated'?]> = [
    ['type', 'string'],
    ['format', 'string'],
    ['items', 'PrimitivesItems'],
    ['collection_format', 'string'],
    ['default', 'Any'],
    ['maximum', 'double'],
    ['exclusive_maximum', 'bool'],
    ['minimum', 'double'],
    ['exclusive_minimum', 'bool'],
    ['max_length', 'int64'],
    ['min_length', 'int64'],
    ['pattern', 'string'],
    ['max_items', 'int64'],
    ['min_items', 'int64'],
    ['unique_items', 'bool'],
    ['enum', 'Any', 'repeated'],
    ['multiple_of', 'double'],
  ];
  const out: Record<string, FieldSpec> = {};
  names.forEach(([n, t, r], i) => (out[n] = r ? [t, first + i, r] : [t, first + i]));
  out['vendor_extension'] = vendorExtension(first + names.length);
  return out;
}

const MESSAGES: Record<string, protobuf.IType> = {
  AdditionalPropertiesItem: message({ schema: ['Schema', 1], boolean: ['bool', 2] }, ['schema', 'boolean']),
  Any: message({ yaml: ['string', 2] }),
  ApiKeySecurity: message({ type: ['string', 1], name: ['string', 2], in: ['string', 3], description: ['string', 4], vendor_extension: vendorExtension(5) }),
  BodyParameter: message({ description: ['string', 1], name: ['string', 2], in: ['string', 3], required: ['bool', 4], schema: ['Schema', 5], vendor_extension: vendorExtension(6) }),
  Definitions: message({ additional_properties: ['NamedSchema', 1, 'repeated'] }),
  Document: message({
    swagger: ['string', 1],
    info: ['Info', 2],
    host: ['string', 3],
    base_path: ['string', 4],
    schemes: ['string', 5, 'repeated'],
    consumes: ['string', 6, 'repeated'],
    produces: ['string', 7, 'repeated'],
    paths: ['Paths', 8],
    definitions: ['Definitions', 9],
    security: ['SecurityRequirement', 12, 'repeated'],
    security_definitions: ['SecurityDefinitions', 13],
    vendor_extension: vendorExtension(16),
  }),
  ExternalDocs: message({ description: ['string', 1], url: ['string', 2], vendor_extension: vendorExtension(3) }),
  HeaderParameterSubSchema: message({ required: ['bool', 1], in: ['string', 2], description: ['string', 3], name: ['string', 4], ...parameterTail(5) }),
  FormDataParameterSubSchema: message({ required: ['bool', 1], in: ['string', 2], description: ['string', 3], name: ['string', 4], allow_empty_value: ['bool', 5], ...parameterTail(6) }),
  Info: message({ title: ['string', 1], version: ['string', 2], description: ['string', 3], terms_of_service: ['string', 4], vendor_extension: vendorExtension(7) }),
  ItemsItem: message({ schema: ['Schema', 1, 'repeated'] }),
  JsonReference: message({ _ref: ['string', 1], description: ['string', 2] }),
  NamedAny: message({ name: ['string', 1], value: ['Any', 2] }),
  NamedPathItem: message({ name: ['string', 1], value: ['PathItem', 2] }),
  NamedResponseValue: message({ name: ['string', 1], value: ['ResponseValue', 2] }),
  NamedSchema: message({ name: ['string', 1], value: ['Schema', 2] }),
  NamedSecurityDefinitionsItem: message({ name: ['string', 1], value: ['SecurityDefinitionsItem', 2] }),
  NamedStringArray: message({ name: ['string', 1], value: ['StringArray', 2] }),
  NonBodyParameter: message(
    { header_parameter_sub_schema: ['HeaderParameterSubSchema', 1], form_data_parameter_sub_schema: ['FormDataParameterSubSchema', 2], query_parameter_sub_schema: ['QueryParameterSubSchema', 3], path_parameter_sub_schema: ['PathParameterSubSchema', 4] },
    ['header_parameter_sub_schema', 'form_data_parameter_sub_schema', 'query_parameter_sub_schema', 'path_parameter_sub_schema'],
  ),
  Operation: message({
    tags: ['string', 1, 'repeated'],
    summary: ['string', 2],
    description: ['string', 3],
    external_docs: ['ExternalDocs', 4],
    operation_id: ['string', 5],
    produces: ['string', 6, 'repeated'],
    consumes: ['string', 7, 'repeated'],
    parameters: ['ParametersItem', 8, 'repeated'],
    responses: ['Responses', 9],
    schemes: ['string', 10, 'repeated'],
    deprecated: ['bool', 11],
    security: ['SecurityRequirement', 12, 'repeated'],
    vendor_extension: vendorExtension(13),
  }),
  Parameter: message({ body_parameter: ['BodyParameter', 1], non_body_parameter: ['NonBodyParameter', 2] }, ['body_parameter', 'non_body_parameter']),
  ParametersItem: message({ parameter: ['Parameter', 1], json_reference: ['JsonReference', 2] }, ['parameter', 'json_reference']),
  PathItem: message({
    _ref: ['string', 1],
    get: ['Operation', 2],
    put: ['Operation', 3],
    post: ['Operation', 4],
    delete: ['Operation', 5],
    options: ['Operation', 6],
    head: ['Operation', 7],
    patch: ['Operation', 8],
    parameters: ['ParametersItem', 9, 'repeated'],
    vendor_extension: vendorExtension(10),
  }),
  PathParameterSubSchema: message({ required: ['bool', 1], in: ['string', 2], description: ['string', 3], name: ['string', 4], ...parameterTail(5) }),
  Paths: message({ vendor_extension: vendorExtension(1), path: ['NamedPathItem', 2, 'repeated'] }),
  PrimitivesItems: message({ ...parameterTail(1) }),
  Properties: message({ additional_properties: ['NamedSchema', 1, 'repeated'] }),
  QueryParameterSubSchema: message({ required: ['bool', 1], in: ['string', 2], description: ['string', 3], name: ['string', 4], allow_empty_value: ['bool', 5], ...parameterTail(6) }),
  Response: message({ description: ['string', 1], schema: ['SchemaItem', 2], vendor_extension: vendorExtension(5) }),
  ResponseValue: message({ response: ['Response', 1], json_reference: ['JsonReference', 2] }, ['response', 'json_reference']),
  Responses: message({ response_code: ['NamedResponseValue', 1, 'repeated'], vendor_extension: vendorExtension(2) }),
  Schema: message({
    _ref: ['string', 1],
    format: ['string', 2],
    title: ['string', 3],
    description: ['string', 4],
    default: ['Any', 5],
    multiple_of: ['double', 6],
    maximum: ['double', 7],
    exclusive_maximum: ['bool', 8],
    minimum: ['double', 9],
    exclusive_minimum: ['bool', 10],
    max_length: ['int64', 11],
    min_length: ['int64', 12],
    pattern: ['string', 13],
    max_items: ['int64', 14],
    min_items: ['int64', 15],
    unique_items: ['bool', 16],
    max_properties: ['int64', 17],
    min_properties: ['int64', 18],
    required: ['string', 19, 'repeated'],
    enum: ['Any', 20, 'repeated'],
    additional_properties: ['AdditionalPropertiesItem', 21],
    type: ['TypeItem', 22],
    items: ['ItemsItem', 23],
    all_of: ['Schema', 24, 'repeated'],
    properties: ['Properties', 25],
    discriminator: ['string', 26],
    read_only: ['bool', 27],
    external_docs: ['ExternalDocs', 29],
    example: ['Any', 30],
    vendor_extension: vendorExtension(31),
  }),
  SchemaItem: message({ schema: ['Schema', 1] }, ['schema']),
  SecurityDefinitions: message({ additional_properties: ['NamedSecurityDefinitionsItem', 1, 'repeated'] }),
  SecurityDefinitionsItem: message({ api_key_security: ['ApiKeySecurity', 2] }, ['api_key_security']),
  SecurityRequirement: message({ additional_properties: ['NamedStringArray', 1, 'repeated'] }),
  StringArray: message({ value: ['string', 1, 'repeated'] }),
  TypeItem: message({ value: ['string', 1, 'repeated'] }),
};

let root: protobuf.Root | undefined;

/** The openapi.v2 namespace, built on first use. */
export function gnosticV2(): protobuf.Root {
  root ??= protobuf.Root.fromJSON({ nested: { openapi: { nested: { v2: { nested: MESSAGES } } } } });
  return root;
}

export function gnosticType(name: keyof typeof MESSAGES): protobuf.Type {
  return gnosticV2().lookupType(`openapi.v2.${name}`);
}
