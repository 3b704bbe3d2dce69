// Structural defaulting, as upstream applies it on create, update and read from storage: a field
// absent from an object whose schema gives it a default gets a copy of that default; a null in a
// field that is not nullable is defaulted if it has a default and dropped if not.
import type { JSONSchemaProps } from '../v1/types.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether anything in the schema has a default (objects of a schema without any need no walk). */
export function hasDefaults(s: JSONSchemaProps): boolean {
  if (s.default !== undefined) return true;
  if (Object.values(s.properties ?? {}).some(hasDefaults)) return true;
  if (s.items && !Array.isArray(s.items) && hasDefaults(s.items)) return true;
  return typeof s.additionalProperties === 'object' && hasDefaults(s.additionalProperties);
}

/** Defaults `v` in place; `root` leaves metadata, apiVersion and kind to the server. */
export function applyDefaults(s: JSONSchemaProps, v: unknown, root = true): void {
  if (isObject(v)) {
    for (const [k, ps] of Object.entries(s.properties ?? {})) {
      if (root && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
      const cur = v[k];
      if ((cur === undefined || (cur === null && !ps.nullable)) && ps.default !== undefined) v[k] = structuredClone(ps.default);
      else if (cur === null && !ps.nullable) delete v[k];
    }
    const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const [k, child] of Object.entries(v)) {
      const cs = s.properties?.[k] ?? extra;
      if (!cs || (root && k === 'metadata')) continue;
      if (child === null && extra && !cs.nullable && !s.properties?.[k]) {
        if (cs.default !== undefined) v[k] = structuredClone(cs.default);
        else delete v[k];
        continue;
      }
      applyDefaults(cs, child, false);
    }
  } else if (Array.isArray(v)) {
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    if (!items) return;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === null && !items.nullable && items.default !== undefined) v[i] = structuredClone(items.default);
      applyDefaults(items, v[i], false);
    }
  }
}
