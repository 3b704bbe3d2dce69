// Schema of apiextensions.k8s.io/v1: CustomResourceDefinition, its list, and JSONSchemaProps,
// complete so that field validation keeps every field a real CRD carries.
import { any, arr, bool, define, int32, int64, mapOf, num, obj, ref, str, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

export const AX = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
export const CRD_SCHEMA = `${AX}.CustomResourceDefinition`;

const atomic = { listType: 'atomic' } as const;
const JSP = `${AX}.JSONSchemaProps`;

define(
  `${AX}.ValidationRule`,
  obj(
    {
      rule: str('Rule represents the expression which will be evaluated by CEL.'),
      message: str('Message represents the message displayed when validation fails.'),
      messageExpression: str('MessageExpression declares a CEL expression that evaluates to the validation failure message.'),
      reason: str('reason provides a machine-readable validation failure reason.'),
      fieldPath: str('fieldPath represents the field path returned when the validation fails.'),
      optionalOldSelf: bool('optionalOldSelf is used to opt a transition rule into evaluation even when the object is first created.'),
    },
    { required: ['rule'], description: 'ValidationRule describes a validation rule written in the CEL expression language.' },
  ),
);

define(
  JSP,
  obj(
    {
      id: str(),
      $schema: str(),
      $ref: str(),
      description: str(),
      type: str(),
      format: str('format is an OpenAPI v3 format string.'),
      title: str(),
      default: any('default is a default value for undefined object fields.'),
      maximum: num(),
      exclusiveMaximum: bool(),
      minimum: num(),
      exclusiveMinimum: bool(),
      maxLength: int64(),
      minLength: int64(),
      pattern: str(),
      maxItems: int64(),
      minItems: int64(),
      uniqueItems: bool(),
      multipleOf: num(),
      enum: arr(any(), atomic),
      maxProperties: int64(),
      minProperties: int64(),
      required: arr(str(), atomic),
      items: any('JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps.'),
      allOf: arr(ref(JSP), atomic),
      oneOf: arr(ref(JSP), atomic),
      anyOf: arr(ref(JSP), atomic),
      not: ref(JSP),
      properties: mapOf(ref(JSP)),
      additionalProperties: any('JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value.'),
      patternProperties: mapOf(ref(JSP)),
      dependencies: mapOf(any()),
      additionalItems: any(),
      definitions: mapOf(ref(JSP)),
      externalDocs: obj({ description: str(), url: str() }),
      example: any(),
      nullable: bool(),
      'x-kubernetes-preserve-unknown-fields': bool('x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema.'),
      'x-kubernetes-embedded-resource': bool('x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object.'),
      'x-kubernetes-int-or-string': bool('x-kubernetes-int-or-string specifies that this value is either an integer or a string.'),
      'x-kubernetes-list-map-keys': arr(str(), atomic),
      'x-kubernetes-list-type': str(),
      'x-kubernetes-map-type': str(),
      'x-kubernetes-validations': arr(ref(`${AX}.ValidationRule`), { listType: 'map', listMapKeys: ['rule'], patchStrategy: 'merge', patchMergeKey: 'rule' }),
    },
    { description: 'JSONSchemaProps is a JSON-Schema following Specification Draft 4 (http://json-schema.org/).' },
  ),
);

const serviceReference = obj(
  {
    namespace: str('namespace is the namespace of the service.'),
    name: str('name is the name of the service.'),
    path: str('path is an optional URL path at which the webhook will be contacted.'),
    port: int32('port is an optional service port at which the webhook will be contacted.'),
  },
  { required: ['namespace', 'name'] },
);

define(
  `${AX}.CustomResourceDefinitionSpec`,
  obj(
    {
      group: str('group is the API group of the defined custom resource.'),
      names: ref(`${AX}.CustomResourceDefinitionNames`, 'names specify the resource and kind names for the custom resource.'),
      scope: str('scope indicates whether the defined custom resource is cluster- or namespace-scoped. Allowed values are `Cluster` and `Namespaced`.'),
      versions: arr(ref(`${AX}.CustomResourceDefinitionVersion`), { ...atomic, description: 'versions is the list of all API versions of the defined custom resource.' }),
      conversion: obj(
        {
          strategy: str('strategy specifies how custom resources are converted between versions. Allowed values are: - `"None"`: The converter only change the apiVersion and would not touch any other field in the custom resource. - `"Webhook"`: API Server will call to an external webhook to do the conversion.'),
          webhook: obj({
            clientConfig: obj({ url: str(), service: serviceReference, caBundle: str('', { format: 'byte' }) }),
            conversionReviewVersions: arr(str(), atomic),
          }),
        },
        { required: ['strategy'], description: 'conversion defines conversion settings for the CRD.' },
      ),
      preserveUnknownFields: bool('preserveUnknownFields indicates that object fields which are not specified in the OpenAPI schema should be preserved when persisting to storage.'),
    },
    { required: ['group', 'names', 'scope', 'versions'], description: 'CustomResourceDefinitionSpec describes how a user wants their resource to appear' },
  ),
);

define(
  `${AX}.CustomResourceDefinitionNames`,
  obj(
    {
      plural: str('plural is the plural name of the resource to serve.'),
      singular: str('singular is the singular name of the resource. It must be all lowercase. Defaults to lowercased `kind`.'),
      shortNames: arr(str(), { ...atomic, description: 'shortNames are short names for the resource, exposed in API discovery documents.' }),
      kind: str('kind is the serialized kind of the resource. It is normally CamelCase and singular.'),
      listKind: str('listKind is the serialized kind of the list for this resource. Defaults to "`kind`List".'),
      categories: arr(str(), { ...atomic, description: 'categories is a list of grouped resources this custom resource belongs to (e.g. \'all\').' }),
    },
    { required: ['plural', 'kind'], description: 'CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition' },
  ),
);

define(
  `${AX}.CustomResourceDefinitionVersion`,
  obj(
    {
      name: str('name is the version name, e.g. “v1”, “v2beta1”, etc.'),
      served: bool('served is a flag enabling/disabling this version from being served via REST APIs'),
      storage: bool('storage indicates this version should be used when persisting custom resources to storage. There must be exactly one version with storage=true.'),
      deprecated: bool('deprecated indicates this version of the custom resource API is deprecated.'),
      deprecationWarning: str('deprecationWarning overrides the default warning returned to API clients.'),
      schema: obj({ openAPIV3Schema: ref(JSP, 'openAPIV3Schema is the OpenAPI v3 schema to use for validation and pruning.') }, { description: 'schema describes the schema used for validation, pruning, and defaulting of this version of the custom resource.' }),
      subresources: obj(
        {
          status: any('status indicates the custom resource should serve a `/status` subresource.'),
          scale: obj(
            { specReplicasPath: str(), statusReplicasPath: str(), labelSelectorPath: str() },
            { required: ['specReplicasPath', 'statusReplicasPath'], description: 'scale indicates the custom resource should serve a `/scale` subresource that returns an `autoscaling/v1` Scale object.' },
          ),
        },
        { description: 'subresources specify what subresources this version of the defined custom resource have.' },
      ),
      additionalPrinterColumns: arr(
        obj({ name: str(), type: str(), format: str(), description: str(), priority: int32(), jsonPath: str() }, { required: ['name', 'type', 'jsonPath'] }),
        { ...atomic, description: 'additionalPrinterColumns specifies additional columns returned in Table output.' },
      ),
      selectableFields: arr(obj({ jsonPath: str() }, { required: ['jsonPath'] }), { ...atomic, description: 'selectableFields specifies paths to fields that may be used as field selectors.' }),
    },
    { required: ['name', 'served', 'storage'], description: 'CustomResourceDefinitionVersion describes a version for CRD.' },
  ),
);

const names = ref(`${AX}.CustomResourceDefinitionNames`);

define(
  CRD_SCHEMA,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${AX}.CustomResourceDefinitionSpec`, 'spec describes how the user wants the resources to appear'),
      status: obj(
        {
          conditions: arr(
            obj({ type: str(), status: str(), lastTransitionTime: time(), reason: str(), message: str() }, { required: ['type', 'status'] }),
            { listType: 'map', listMapKeys: ['type'], description: 'conditions indicate state for particular aspects of a CustomResourceDefinition' },
          ),
          acceptedNames: names,
          storedVersions: arr(str(), { ...atomic, description: 'storedVersions lists all versions of CustomResources that were ever persisted.' }),
        },
        { description: 'status indicates the actual state of the CustomResourceDefinition' },
      ),
    },
    { required: ['spec'], description: 'CustomResourceDefinition represents a resource that should be exposed on the API server.  Its name MUST be in the format <.spec.name>.<.spec.group>.' },
  ),
);

define(
  `${CRD_SCHEMA}List`,
  obj({ apiVersion: apiVersionField(), items: arr(ref(CRD_SCHEMA), { description: 'items list individual CustomResourceDefinition objects' }), kind: kindField(), metadata: listMeta() }, { required: ['items'], description: 'CustomResourceDefinitionList is a list of CustomResourceDefinition objects.' }),
);

