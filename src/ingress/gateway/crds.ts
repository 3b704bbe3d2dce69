// The Gateway API's standard channel (v1.2.1: GatewayClass, Gateway, HTTPRoute, GRPCRoute,
// ReferenceGrant) as the CustomResourceDefinitions k8ts installs through its manifests directory.
// Written here rather than copied: the shapes, defaults, enums and limits of the v1 API (what the
// controller relies on, and what `kubectl explain` shows); upstream's CEL rules are not all
// reproduced. A user who wants upstream's own files disables the packaged add-on
// (`--disable gateway-api`) and drops them into the directory.
type Schema = Record<string, unknown>;

const BUNDLE_VERSION = 'v1.2.1';
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const int = (extra: Schema = {}): Schema => ({ type: 'integer', format: 'int32', ...extra });
const obj = (properties: Record<string, Schema>, required?: string[], extra: Schema = {}): Schema => ({ type: 'object', properties, ...(required ? { required } : {}), ...extra });
const arr = (items: Schema, maxItems?: number, extra: Schema = {}): Schema => ({ type: 'array', items, ...(maxItems ? { maxItems } : {}), ...extra });

const GROUP = str({ maxLength: 253, pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' });
const KIND = str({ maxLength: 63, minLength: 1, pattern: '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$' });
const NAME = str({ maxLength: 253, minLength: 1 });
const NAMESPACE = str({ maxLength: 63, minLength: 1, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' });
const SECTION = str({ maxLength: 253, minLength: 1, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' });
const HOSTNAME = str({ maxLength: 253, minLength: 1, pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' });
const PORT = int({ maximum: 65535, minimum: 1 });
const HEADER_NAME = str({ maxLength: 256, minLength: 1, pattern: '^[A-Za-z0-9!#$%&\'*+\\-.^_\\x60|~]+$' });
const LABEL_SELECTOR = obj(
  {
    matchExpressions: arr(obj({ key: str(), operator: str(), values: arr(str(), undefined, { 'x-kubernetes-list-type': 'atomic' }) }, ['key', 'operator']), undefined, { 'x-kubernetes-list-type': 'atomic' }),
    matchLabels: { type: 'object', additionalProperties: str() },
  },
  undefined,
  { 'x-kubernetes-map-type': 'atomic' },
);

const CONDITION = obj(
  {
    lastTransitionTime: str({ format: 'date-time' }),
    message: str({ maxLength: 32768 }),
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    reason: str({ maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
    status: str({ enum: ['True', 'False', 'Unknown'] }),
    type: str({ maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' }),
  },
  ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
);
const CONDITIONS = (defaults?: unknown[]): Schema => arr(CONDITION, 8, { 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-list-type': 'map', ...(defaults ? { default: defaults } : {}) });
const pending = (type: string) => ({ lastTransitionTime: '1970-01-01T00:00:00Z', message: 'Waiting for controller', reason: 'Pending', status: 'Unknown', type });

const PARENT_REF = obj(
  {
    group: { ...GROUP, default: 'gateway.networking.k8s.io' },
    kind: { ...KIND, default: 'Gateway' },
    name: NAME,
    namespace: NAMESPACE,
    port: PORT,
    sectionName: SECTION,
  },
  ['name'],
);
const BACKEND_OBJECT = {
  group: { ...GROUP, default: '' },
  kind: { ...KIND, default: 'Service' },
  name: NAME,
  namespace: NAMESPACE,
  port: PORT,
};
const HEADER_MODIFIER = (() => {
  const header = obj({ name: HEADER_NAME, value: str({ maxLength: 4096, minLength: 1 }) }, ['name', 'value']);
  const list = arr(header, 16, { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map' });
  return obj({ add: list, remove: arr(str(), 16, { 'x-kubernetes-list-type': 'set' }), set: list });
})();
const PATH_MODIFIER = obj(
  {
    replaceFullPath: str({ maxLength: 1024 }),
    replacePrefixMatch: str({ maxLength: 1024 }),
    type: str({ enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] }),
  },
  ['type'],
);
const MIRROR = obj({ backendRef: obj(BACKEND_OBJECT, ['name']) }, ['backendRef']);
const EXTENSION_REF = obj({ group: GROUP, kind: KIND, name: NAME }, ['group', 'kind', 'name']);

const HTTP_FILTER = obj(
  {
    type: str({ enum: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef'] }),
    requestHeaderModifier: HEADER_MODIFIER,
    responseHeaderModifier: HEADER_MODIFIER,
    requestMirror: MIRROR,
    requestRedirect: obj({
      hostname: HOSTNAME,
      path: PATH_MODIFIER,
      port: PORT,
      scheme: str({ enum: ['http', 'https'] }),
      statusCode: { type: 'integer', default: 302, enum: [301, 302] },
    }),
    urlRewrite: obj({ hostname: HOSTNAME, path: PATH_MODIFIER }),
    extensionRef: EXTENSION_REF,
  },
  ['type'],
);
const GRPC_FILTER = obj(
  {
    type: str({ enum: ['ResponseHeaderModifier', 'RequestHeaderModifier', 'RequestMirror', 'ExtensionRef'] }),
    requestHeaderModifier: HEADER_MODIFIER,
    responseHeaderModifier: HEADER_MODIFIER,
    requestMirror: MIRROR,
    extensionRef: EXTENSION_REF,
  },
  ['type'],
);
const backendRefs = (filter: Schema) =>
  arr(obj({ ...BACKEND_OBJECT, weight: int({ default: 1, maximum: 1000000, minimum: 0 }), filters: arr(filter, 16) }, ['name']), 16);

const HEADER_MATCH = obj(
  { name: HEADER_NAME, type: str({ default: 'Exact', enum: ['Exact', 'RegularExpression'] }), value: str({ maxLength: 4096, minLength: 1 }) },
  ['name', 'value'],
);
const HTTP_MATCH = obj({
  path: obj(
    { type: str({ default: 'PathPrefix', enum: ['Exact', 'PathPrefix', 'RegularExpression'] }), value: str({ default: '/', maxLength: 1024 }) },
    undefined,
    { default: { type: 'PathPrefix', value: '/' } },
  ),
  headers: arr(HEADER_MATCH, 16, { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map' }),
  queryParams: arr(
    obj({ name: str({ maxLength: 256, minLength: 1 }), type: str({ default: 'Exact', enum: ['Exact', 'RegularExpression'] }), value: str({ maxLength: 1024, minLength: 1 }) }, ['name', 'value']),
    16,
    { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map' },
  ),
  method: str({ enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] }),
});
const GRPC_MATCH = obj({
  method: obj({ method: str({ maxLength: 1024 }), service: str({ maxLength: 1024 }), type: str({ default: 'Exact', enum: ['Exact', 'RegularExpression'] }) }),
  headers: arr(HEADER_MATCH, 16, { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map' }),
});

const ROUTE_STATUS = obj(
  {
    parents: arr(obj({ conditions: CONDITIONS(), controllerName: str({ maxLength: 253, minLength: 1 }), parentRef: PARENT_REF }, ['controllerName', 'parentRef']), 32),
  },
  ['parents'],
);

const LISTENER = obj(
  {
    name: SECTION,
    hostname: HOSTNAME,
    port: PORT,
    protocol: str({ maxLength: 255, minLength: 1, pattern: '^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9]+$' }),
    tls: obj({
      mode: str({ default: 'Terminate', enum: ['Terminate', 'Passthrough'] }),
      certificateRefs: arr(obj({ group: { ...GROUP, default: '' }, kind: { ...KIND, default: 'Secret' }, name: NAME, namespace: NAMESPACE }, ['name']), 64),
      options: { type: 'object', additionalProperties: str({ maxLength: 4096, minLength: 0 }), maxProperties: 16 },
    }),
    allowedRoutes: obj(
      {
        kinds: arr(obj({ group: GROUP, kind: KIND }, ['kind']), 8),
        namespaces: obj({ from: str({ default: 'Same', enum: ['All', 'Selector', 'Same'] }), selector: LABEL_SELECTOR }, undefined, { default: { from: 'Same' } }),
      },
      undefined,
      { default: { namespaces: { from: 'Same' } } },
    ),
  },
  ['name', 'port', 'protocol'],
);

interface KindSpec {
  kind: string;
  plural: string;
  shortNames?: string[];
  scope: 'Namespaced' | 'Cluster';
  versions: string[];
  columns: Schema[];
  spec: Schema;
  /** None for ReferenceGrant, which has no status. */
  status?: Schema;
}

const AGE = { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' };

function crd(k: KindSpec): Schema {
  const schema = { openAPIV3Schema: obj({ apiVersion: str(), kind: str(), metadata: { type: 'object' }, spec: k.spec, ...(k.status ? { status: k.status } : {}) }, ['spec']) };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${k.plural}.gateway.networking.k8s.io`,
      annotations: { 'gateway.networking.k8s.io/bundle-version': BUNDLE_VERSION, 'gateway.networking.k8s.io/channel': 'standard' },
    },
    spec: {
      group: 'gateway.networking.k8s.io',
      names: { categories: ['gateway-api'], kind: k.kind, listKind: `${k.kind}List`, plural: k.plural, singular: k.kind.toLowerCase(), ...(k.shortNames ? { shortNames: k.shortNames } : {}) },
      scope: k.scope,
      versions: k.versions.map((v, i) => ({ name: v, served: true, storage: i === 0, additionalPrinterColumns: k.columns, schema, ...(k.status ? { subresources: { status: {} } } : {}) })),
    },
  };
}

const conditionColumn = (name: string) => ({ jsonPath: `.status.conditions[?(@.type=="${name}")].status`, name, type: 'string' });

export function gatewayApiCrds(): Schema[] {
  const routeSpec = (rules: Schema) => obj({ parentRefs: arr(PARENT_REF, 32), hostnames: arr(HOSTNAME, 16), rules });
  return [
    crd({
      kind: 'GatewayClass',
      plural: 'gatewayclasses',
      shortNames: ['gc'],
      scope: 'Cluster',
      versions: ['v1', 'v1beta1'],
      columns: [{ jsonPath: '.spec.controllerName', name: 'Controller', type: 'string' }, conditionColumn('Accepted'), AGE, { jsonPath: '.spec.description', name: 'Description', priority: 1, type: 'string' }],
      spec: obj(
        {
          controllerName: str({ maxLength: 253, minLength: 1, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&\'()*+,;=:]+$' }),
          description: str({ maxLength: 64 }),
          parametersRef: obj({ group: GROUP, kind: KIND, name: NAME, namespace: NAMESPACE }, ['group', 'kind', 'name']),
        },
        ['controllerName'],
      ),
      status: obj({ conditions: CONDITIONS([pending('Accepted')]), supportedFeatures: arr(obj({ name: str() }, ['name']), 64) }, undefined, { default: { conditions: [pending('Accepted')] } }),
    }),
    crd({
      kind: 'Gateway',
      plural: 'gateways',
      shortNames: ['gtw'],
      scope: 'Namespaced',
      versions: ['v1', 'v1beta1'],
      columns: [{ jsonPath: '.spec.gatewayClassName', name: 'Class', type: 'string' }, { jsonPath: '.status.addresses[*].value', name: 'Address', type: 'string' }, conditionColumn('Programmed'), AGE],
      spec: obj(
        {
          gatewayClassName: str({ maxLength: 253, minLength: 1 }),
          listeners: arr(LISTENER, 64, { minItems: 1, 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map' }),
          addresses: arr(obj({ type: str({ default: 'IPAddress', maxLength: 253, minLength: 1 }), value: str({ maxLength: 253, minLength: 1 }) }, ['value']), 16),
          infrastructure: obj({
            annotations: { type: 'object', additionalProperties: str({ maxLength: 4096 }), maxProperties: 8 },
            labels: { type: 'object', additionalProperties: str({ maxLength: 63 }), maxProperties: 8 },
            parametersRef: obj({ group: GROUP, kind: KIND, name: NAME }, ['group', 'kind', 'name']),
          }),
        },
        ['gatewayClassName', 'listeners'],
      ),
      status: obj(
        {
          addresses: arr(obj({ type: str({ default: 'IPAddress' }), value: str({ maxLength: 253, minLength: 1 }) }, ['value']), 16),
          conditions: CONDITIONS([pending('Accepted'), pending('Programmed')]),
          listeners: arr(
            obj(
              {
                name: SECTION,
                attachedRoutes: int(),
                conditions: CONDITIONS(),
                supportedKinds: arr(obj({ group: GROUP, kind: KIND }, ['kind']), 8),
              },
              ['attachedRoutes', 'conditions', 'name', 'supportedKinds'],
            ),
            64,
            { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map' },
          ),
        },
        undefined,
        { default: { conditions: [pending('Accepted'), pending('Programmed')] } },
      ),
    }),
    crd({
      kind: 'HTTPRoute',
      plural: 'httproutes',
      scope: 'Namespaced',
      versions: ['v1', 'v1beta1'],
      columns: [{ jsonPath: '.spec.hostnames', name: 'Hostnames', type: 'string' }, AGE],
      spec: routeSpec(
        arr(
          obj({
            matches: arr(HTTP_MATCH, 64, { default: [{ path: { type: 'PathPrefix', value: '/' } }] }),
            filters: arr(HTTP_FILTER, 16),
            backendRefs: backendRefs(HTTP_FILTER),
            timeouts: obj({ backendRequest: str({ pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' }), request: str({ pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' }) }),
          }),
          16,
          { default: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }] },
        ),
      ),
      status: ROUTE_STATUS,
    }),
    crd({
      kind: 'GRPCRoute',
      plural: 'grpcroutes',
      scope: 'Namespaced',
      versions: ['v1'],
      columns: [{ jsonPath: '.spec.hostnames', name: 'Hostnames', type: 'string' }, AGE],
      spec: routeSpec(arr(obj({ matches: arr(GRPC_MATCH, 64), filters: arr(GRPC_FILTER, 16), backendRefs: backendRefs(GRPC_FILTER) }), 16)),
      status: ROUTE_STATUS,
    }),
    crd({
      kind: 'ReferenceGrant',
      plural: 'referencegrants',
      shortNames: ['refgrant'],
      scope: 'Namespaced',
      versions: ['v1beta1'],
      columns: [AGE],
      spec: obj(
        {
          from: arr(obj({ group: GROUP, kind: KIND, namespace: NAMESPACE }, ['group', 'kind', 'namespace']), 16, { minItems: 1 }),
          to: arr(obj({ group: GROUP, kind: KIND, name: NAME }, ['group', 'kind']), 16, { minItems: 1 }),
        },
        ['from', 'to'],
      ),
    }),
  ];
}
