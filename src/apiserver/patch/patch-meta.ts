// What the schema says about how a field merges: upstream reads this from Go struct tags
// (patchStrategy, patchMergeKey); here it comes from the schema registry. A field the schema
// does not know (or a definition not registered) yields no metadata, so it merges as plain
// JSON: maps merge, lists replace.
import { resolve, type Schema } from '../../api/schema/dsl.js';

export interface FieldMeta {
  /** The field's own schema, to look further down with. */
  schema: Schema | undefined;
  /** 'merge' merges lists (by key, or as a set) ; 'replace' (and no strategy) replaces. */
  strategy: 'merge' | 'replace' | undefined;
  /** The key that identifies items of a merged list of objects. */
  mergeKey: string | undefined;
}

function resolveOrUndefined(s: Schema | undefined) {
  if (!s) return undefined;
  try {
    return resolve(s);
  } catch {
    return undefined;
  }
}

function childSchema(parent: Schema | undefined, key: string): Schema | undefined {
  const p = resolveOrUndefined(parent);
  if (!p) return undefined;
  if (p.type === 'object') return Object.prototype.hasOwnProperty.call(p.properties, key) ? p.properties[key] : undefined;
  if (p.type === 'map') return p.values;
  if (p.type === 'any') return p;
  return undefined;
}

/** Patch metadata of `key` inside an object described by `parent`. */
export function fieldMeta(parent: Schema | undefined, key: string): FieldMeta {
  const schema = childSchema(parent, key);
  const r = resolveOrUndefined(schema);
  if (!r || (r.type !== 'object' && r.type !== 'array') || !r.patchStrategy) return { schema, strategy: undefined, mergeKey: undefined };
  // 'retainKeys' only changes how clients compute patches; applying honours $retainKeys wherever it appears.
  const parts = r.patchStrategy.split(',');
  const strategy = parts.includes('replace') ? 'replace' : parts.includes('merge') ? 'merge' : undefined;
  const mergeKey = r.type === 'array' ? r.patchMergeKey : undefined;
  return { schema, strategy, mergeKey };
}

/** Schema of the items of a list field. */
export function itemSchema(list: Schema | undefined): Schema | undefined {
  const r = resolveOrUndefined(list);
  if (!r) return undefined;
  if (r.type === 'array') return r.items;
  if (r.type === 'any') return r;
  return undefined;
}
