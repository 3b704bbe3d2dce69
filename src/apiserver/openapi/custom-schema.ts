// A CRD version's schema as published in OpenAPI, as upstream's builder does: metadata refers to
// ObjectMeta, apiVersion and kind get their standard descriptions, and v2 (which cannot say
// what v3 can) loses the junctors, nullable, CEL rules and int-or-string's alternatives.
type Json = Record<string, unknown>;

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const API_VERSION = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

const V2_DROPPED = ['nullable', 'anyOf', 'oneOf', 'allOf', 'not', 'x-kubernetes-validations'];

function forV2(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(forV2);
  if (!s || typeof s !== 'object') return s;
  const out: Json = {};
  for (const [k, v] of Object.entries(s as Json)) {
    if (V2_DROPPED.includes(k)) continue;
    if (k === 'properties' || k === 'patternProperties') out[k] = Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, forV2(pv)]));
    else if (k === 'items' || k === 'additionalProperties') out[k] = forV2(v);
    else out[k] = v;
  }
  return out;
}

export function customResourceSchema(schema: Record<string, unknown>, v: 2 | 3): Json {
  const s = structuredClone(schema) as Json;
  s['type'] ??= 'object';
  const props = ((s['properties'] as Json | undefined) ?? {}) as Json;
  const ref = { $ref: v === 3 ? `#/components/schemas/${OBJECT_META}` : `#/definitions/${OBJECT_META}` };
  props['apiVersion'] = { description: API_VERSION, type: 'string', ...((props['apiVersion'] as Json | undefined) ?? {}) };
  props['kind'] = { description: KIND, type: 'string', ...((props['kind'] as Json | undefined) ?? {}) };
  props['metadata'] = v === 3 ? { allOf: [ref], description: METADATA } : { ...ref, description: METADATA };
  s['properties'] = props;
  return (v === 3 ? s : forV2(s)) as Json;
}
