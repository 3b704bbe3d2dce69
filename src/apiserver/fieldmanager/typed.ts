// How server-side apply sees one node of an object: the schema DSL's types mapped onto
// structured-merge-diff's element relationships (granular struct or map, associative list,
// set, atomic). The rules match fieldset.ts so Apply and Update entries agree on paths.
import { resolve, type ArraySchema, type Schema } from '../../api/schema/dsl.js';

export type Node =
  /** Named fields; `fields` undefined means an untyped map (no schema). */
  | { kind: 'struct'; fields: Record<string, Schema> }
  | { kind: 'map'; values: Schema | undefined }
  | { kind: 'assocList'; items: Schema; keys: readonly string[] }
  | { kind: 'setList' }
  /** Replaced whole: scalars, atomic lists/structs, arbitrary JSON. */
  | { kind: 'atomic' };

/**
 * Key fields that built-in types default when a client leaves them out. Upstream fills them in
 * from the OpenAPI defaults before keying list items, so `{containerPort: 80}` in an applied
 * configuration matches the stored `{containerPort: 80, protocol: TCP}`. The schema DSL carries no
 * defaults, and protocol is the one defaulted list-map key among the served types.
 */
const DEFAULTED_KEYS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

export function resolveSchema(s: Schema | undefined): Exclude<Schema, { type: 'ref' }> | undefined {
  if (!s) return undefined;
  try {
    return resolve(s);
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Classify a node from its schema, falling back to the value's shape when there is none. */
export function nodeOf(schema: Schema | undefined, value: unknown): Node {
  const s = resolveSchema(schema);
  if (!s) return isObject(value) ? { kind: 'map', values: undefined } : { kind: 'atomic' };
  switch (s.type) {
    case 'object':
      return s.mapType === 'atomic' ? { kind: 'atomic' } : { kind: 'struct', fields: s.properties };
    case 'map':
      return { kind: 'map', values: s.values };
    case 'array':
      return listNode(s);
    default:
      return { kind: 'atomic' };
  }
}

function listNode(s: ArraySchema): Node {
  const keys = s.listMapKeys ?? (s.patchMergeKey ? [s.patchMergeKey] : undefined);
  if (s.listType === 'map' && keys) return { kind: 'assocList', items: s.items, keys };
  if (s.listType === 'set' || (s.patchStrategy === 'merge' && !s.patchMergeKey)) return { kind: 'setList' };
  return { kind: 'atomic' };
}

/** Schema of a named child of a struct or map node. */
export function childSchema(node: Node, key: string): Schema | undefined {
  if (node.kind === 'struct') return node.fields[key];
  if (node.kind === 'map') return node.values;
  return undefined;
}

/** A node whose value is absent or empty is compared and owned as a leaf (smd keeps {} and [] distinct from absent). */
export function isEmptyContainer(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).every((k) => v[k] === undefined);
  return false;
}

/** The key of an associative list item, or an error naming the missing key field. */
export function itemKey(item: unknown, keys: readonly string[]): { key: Record<string, unknown> } | { missing: string } {
  if (!isObject(item)) return { missing: keys[0]! };
  const key: Record<string, unknown> = {};
  for (const k of [...keys].sort()) {
    const v = item[k] ?? DEFAULTED_KEYS[k];
    if (v === undefined || v === null) return { missing: k };
    key[k] = v;
  }
  return { key };
}

/** Path element of an associative list item: k:{"name":"app"} (key fields sorted by name). */
export function keyElement(key: Record<string, unknown>): string {
  return `k:${JSON.stringify(key)}`;
}

export function valueElement(v: unknown): string {
  return `v:${JSON.stringify(v)}`;
}

/** Path elements of each item of an associative list, in order (undefined for items without a key). */
export function assocElements(list: readonly unknown[], keys: readonly string[]): (string | undefined)[] {
  return list.map((item) => {
    const k = itemKey(item, keys);
    return 'key' in k ? keyElement(k.key) : undefined;
  });
}
