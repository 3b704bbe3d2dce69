// Protocol-buffer field numbers of the apiextensions.k8s.io/v1 messages, from upstream's
// k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/generated.proto. Only request decoding
// uses them: see src/api/schema/protobuf-tags.ts for what each table means.
//
// Only the messages the schema DSL defines by name have a table. The schema writes the others
// (CustomResourceValidation, CustomResourceSubresources, CustomResourceConversion, the column
// definitions, SelectableField, CustomResourceDefinitionStatus, ExternalDocumentation …) as
// anonymous objects, which the decoder cannot descend into: their fields are numbered below all the
// same, so that a body carrying one is refused with 415 (send JSON) instead of losing it silently.
// Every Go client writes the (plain struct) status, so in practice a CRD is refused for now.
//
// JSONSchemaProps' items (24), additionalProperties (30), dependencies (32) and additionalItems (33)
// are left out. On the wire they are the JSONSchemaPropsOrArray {1 schema, 2 jSONSchemas},
// JSONSchemaPropsOrBool {1 allows, 2 schema} and JSONSchemaPropsOrStringArray {1 schema, 2 property}
// wrappers, while the schema DSL types them `any`, which the decoder reads as JSON/RawExtension
// {1 raw}: listed, they would be misread (additionalProperties: false would vanish). The decoder
// must learn these wrappers before JSONSchemaProps can be reached from a decodable field.
// default, example and enum are the JSON message {1 raw}, which `any` reads correctly.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const AX = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

defineProtoTags(`${AX}.CustomResourceDefinition`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${AX}.CustomResourceDefinitionList`, { metadata: 1, items: 2 });
defineProtoTags(
  `${AX}.CustomResourceDefinitionSpec`,
  { group: 1, names: 3, scope: 4, versions: 7, conversion: 9, preserveUnknownFields: 10 },
  { omitEmpty: ['preserveUnknownFields'] },
);
defineProtoTags(
  `${AX}.CustomResourceDefinitionNames`,
  { plural: 1, singular: 2, shortNames: 3, kind: 4, listKind: 5, categories: 6 },
  { omitEmpty: ['singular', 'listKind'] },
);
defineProtoTags(
  `${AX}.CustomResourceDefinitionVersion`,
  {
    name: 1, served: 2, storage: 3, schema: 4, subresources: 5, additionalPrinterColumns: 6, deprecated: 7, deprecationWarning: 8, selectableFields: 9,
  },
  { omitEmpty: ['deprecated'] },
);
defineProtoTags(
  `${AX}.ValidationRule`,
  { rule: 1, message: 2, messageExpression: 3, reason: 4, fieldPath: 5, optionalOldSelf: 6 },
  { omitEmpty: ['message', 'messageExpression', 'fieldPath'] },
);
defineProtoTags(
  `${AX}.JSONSchemaProps`,
  {
    id: 1, $schema: 2, $ref: 3, description: 4, type: 5, format: 6, title: 7, default: 8, maximum: 9, exclusiveMaximum: 10,
    minimum: 11, exclusiveMinimum: 12, maxLength: 13, minLength: 14, pattern: 15, maxItems: 16, minItems: 17, uniqueItems: 18,
    multipleOf: 19, enum: 20, maxProperties: 21, minProperties: 22, required: 23, allOf: 25, oneOf: 26, anyOf: 27, not: 28,
    properties: 29, patternProperties: 31, definitions: 34, externalDocs: 35, example: 36, nullable: 37,
    'x-kubernetes-preserve-unknown-fields': 38, 'x-kubernetes-embedded-resource': 39, 'x-kubernetes-int-or-string': 40,
    'x-kubernetes-list-map-keys': 41, 'x-kubernetes-list-type': 42, 'x-kubernetes-map-type': 43, 'x-kubernetes-validations': 44,
  },
  {
    omitEmpty: [
      'id', '$schema', 'description', 'type', 'format', 'title', 'exclusiveMaximum', 'exclusiveMinimum', 'pattern', 'uniqueItems', 'nullable',
      'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string',
    ],
  },
);
