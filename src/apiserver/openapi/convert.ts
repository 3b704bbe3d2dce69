// The schema DSL rendered as OpenAPI: v3 (components/schemas, refs wrapped in allOf when they
// carry a description, as upstream publishes) and v2 (definitions).
import { lookupDefinition, type Schema } from '../../api/schema/dsl.js';

export type OpenApiVersion = 2 | 3;
type Json = Record<string, unknown>;

function refPath(name: string, v: OpenApiVersion): string {
  return v === 3 ? `#/components/schemas/${name}` : `#/definitions/${name}`;
}

/**
 * Definitions whose wire form is not their DSL type. v3 says what JSON they accept (oneOf), as
 * upstream publishes; with no `type`, kubectl explain shows their name ("IntOrString", "Quantity").
 * v2 has no oneOf and calls them strings.
 */
function scalarDefinition(name: string, v: OpenApiVersion): Json | undefined {
  switch (name) {
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return v === 3 ? { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] } : { type: 'string', format: 'int-or-string' };
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return v === 3 ? { oneOf: [{ type: 'string' }, { type: 'number' }] } : { type: 'string' };
    default:
      return undefined;
  }
}

export function toOpenApi(s: Schema, v: OpenApiVersion, refs?: Set<string>): Json {
  const out: Json = {};
  switch (s.type) {
    case 'string':
      out['type'] = 'string';
      if (s.format && s.format !== 'quantity' && s.format !== 'int-or-string') out['format'] = s.format;
      if (s.enum) out['enum'] = [...s.enum];
      break;
    case 'integer':
      out['type'] = 'integer';
      if (s.format) out['format'] = s.format;
      break;
    case 'number':
      out['type'] = 'number';
      if (s.format) out['format'] = s.format;
      break;
    case 'boolean':
      out['type'] = 'boolean';
      break;
    case 'any':
      out['type'] = 'object';
      if (v === 3) out['x-kubernetes-preserve-unknown-fields'] = true;
      break;
    case 'map':
      out['type'] = 'object';
      out['additionalProperties'] = toOpenApi(s.values, v, refs);
      break;
    case 'object': {
      out['type'] = 'object';
      const props: Json = {};
      for (const k of Object.keys(s.properties).sort()) props[k] = toOpenApi(s.properties[k]!, v, refs);
      out['properties'] = props;
      if (s.required?.length) out['required'] = [...s.required];
      if (s.mapType) out['x-kubernetes-map-type'] = s.mapType;
      if (s.patchStrategy) out['x-kubernetes-patch-strategy'] = s.patchStrategy;
      break;
    }
    case 'array':
      out['type'] = 'array';
      out['items'] = toOpenApi(s.items, v, refs);
      if (s.listType) out['x-kubernetes-list-type'] = s.listType;
      if (s.listMapKeys) out['x-kubernetes-list-map-keys'] = [...s.listMapKeys];
      if (s.patchStrategy) out['x-kubernetes-patch-strategy'] = s.patchStrategy;
      if (s.patchMergeKey) out['x-kubernetes-patch-merge-key'] = s.patchMergeKey;
      break;
    case 'ref': {
      // Definitions are always referenced, never inlined: clients look them up by name.
      refs?.add(s.ref);
      if (v === 3 && s.description) return { description: s.description, allOf: [{ $ref: refPath(s.ref, v) }] };
      const r: Json = { $ref: refPath(s.ref, v) };
      if (s.description) r['description'] = s.description;
      return r;
    }
  }
  if (s.description) out['description'] = s.description;
  return out;
}

/** A named definition with every definition it reaches, rendered for a document. */
export function collectDefinitions(roots: Iterable<string>, v: OpenApiVersion): Record<string, Json> {
  const out: Record<string, Json> = {};
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (out[name]) continue;
    const def = lookupDefinition(name);
    if (!def) continue;
    const refs = new Set<string>();
    out[name] = scalarDefinition(name, v) ?? toOpenApi(def, v, refs);
    if (def.description && !out[name]['description']) out[name]['description'] = def.description;
    for (const r of refs) if (!out[r]) queue.push(r);
  }
  return out;
}
