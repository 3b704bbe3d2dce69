// A CRD version's structural schema as the schema DSL the generic machinery reads: unknown-field
// detection and pruning, server-side apply's list types and map keys, field order. Custom
// resources are written with their fields sorted (upstream holds them as Go maps).
import { any, arr, intOrString, mapOf, obj, ref, type Schema } from '../../schema/dsl.js';
import type { JSONSchemaProps } from '../v1/types.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export function toDsl(s: JSONSchemaProps, root = true): Schema {
  const description = s.description;
  if (s['x-kubernetes-int-or-string']) return intOrString(description);
  const embedded = !!s['x-kubernetes-embedded-resource'];
  const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
  switch (s.type) {
    case 'string':
      return { type: 'string', description, format: s.format, enum: s.enum?.filter((v): v is string => typeof v === 'string') };
    case 'integer':
      return { type: 'integer', description, format: s.format === 'int32' ? 'int32' : 'int64' };
    case 'number':
      return { type: 'number', description, format: 'double' };
    case 'boolean':
      return { type: 'boolean', description };
    case 'array': {
      const items = s.items && !Array.isArray(s.items) ? toDsl(s.items, false) : any();
      const listType = s['x-kubernetes-list-type'] as 'atomic' | 'set' | 'map' | undefined;
      return arr(items, { description, listType: listType ?? 'atomic', listMapKeys: s['x-kubernetes-list-map-keys'] });
    }
    case 'object':
    case undefined: {
      if (s.type === undefined && preserve && !s.properties) return any(description);
      if (s.additionalProperties !== undefined && s.additionalProperties !== false && !s.properties) {
        return mapOf(typeof s.additionalProperties === 'object' ? toDsl(s.additionalProperties, false) : any(), description);
      }
      if (preserve && !s.properties && !embedded) return any(description);
      const properties: Record<string, Schema> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) properties[k] = toDsl(v, false);
      if (root || embedded) {
        properties['apiVersion'] ??= { type: 'string' };
        properties['kind'] ??= { type: 'string' };
        properties['metadata'] = ref(OBJECT_META, s.properties?.['metadata']?.description);
      }
      const mapType = s['x-kubernetes-map-type'] as 'atomic' | 'granular' | undefined;
      return obj(properties, { description, required: s.required, preserveUnknownFields: preserve || undefined, sortedFields: true, mapType });
    }
    default:
      return any(description);
  }
}
