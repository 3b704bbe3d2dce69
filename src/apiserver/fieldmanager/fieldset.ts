// Field sets in structured-merge-diff's terms: each member is a path of elements
// ("f:spec", "k:{\"name\":\"app\"}", "v:\"x\""), encoded on the wire as FieldsV1 trees.
import { resolve, type Schema } from '../../api/schema/dsl.js';

export type FieldPathKey = string; // JSON array of path elements

/** The set of leaf and "." members an object's fields make, following the schema's list semantics. */
export function fieldSetOf(value: unknown, schema: Schema | undefined): Set<FieldPathKey> {
  const out = new Set<FieldPathKey>();
  walk(value, schema, [], out, true);
  return out;
}

function resolved(s: Schema | undefined) {
  if (!s) return undefined;
  try {
    return resolve(s);
  } catch {
    return undefined;
  }
}

function walk(value: unknown, schema: Schema | undefined, path: string[], out: Set<FieldPathKey>, isRoot = false): void {
  const s = resolved(schema);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    const isStruct = s?.type === 'object' && s.mapType !== 'atomic';
    const isMap = !s || s.type === 'map';
    if (s?.type === 'object' && s.mapType === 'atomic') {
      out.add(JSON.stringify(path));
      return;
    }
    if (s?.type === 'any') {
      out.add(JSON.stringify(path));
      return;
    }
    if (entries.length === 0) {
      if (!isRoot) out.add(JSON.stringify(path));
      return;
    }
    // Maps own themselves as well as their keys; structs are only the sum of their fields.
    if (isMap && !isStruct && !isRoot) out.add(JSON.stringify([...path, '.']));
    for (const [k, v] of entries) {
      const child = s?.type === 'object' ? s.properties[k] : s?.type === 'map' ? s.values : undefined;
      walk(v, child, [...path, `f:${k}`], out);
    }
    return;
  }
  if (Array.isArray(value) && s?.type === 'array' && value.length > 0) {
    const keys = s.listMapKeys ?? (s.patchMergeKey ? [s.patchMergeKey] : undefined);
    if (s.listType === 'map' && keys) {
      for (const item of value) {
        if (item === null || typeof item !== 'object') {
          out.add(JSON.stringify(path));
          return;
        }
        const keyObj: Record<string, unknown> = {};
        for (const k of keys) if ((item as Record<string, unknown>)[k] !== undefined) keyObj[k] = (item as Record<string, unknown>)[k];
        const el = `k:${JSON.stringify(keyObj)}`;
        out.add(JSON.stringify([...path, el, '.']));
        for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
          if (v === undefined) continue;
          walk(v, resolvedItemField(s.items, k), [...path, el, `f:${k}`], out);
        }
      }
      return;
    }
    if (s.listType === 'set' || (s.patchStrategy === 'merge' && !s.patchMergeKey)) {
      for (const item of value) out.add(JSON.stringify([...path, `v:${JSON.stringify(item)}`]));
      return;
    }
  }
  out.add(JSON.stringify(path));
}

function resolvedItemField(items: Schema, field: string): Schema | undefined {
  const s = resolved(items);
  return s?.type === 'object' ? s.properties[field] : undefined;
}

type Tree = Record<string, unknown>;

/**
 * The FieldsV1 tree of every field an object sets, built in one walk: the same result as
 * toFieldsV1(fieldSetOf(value, schema)) without materializing path strings. The create path
 * uses it, since a new object has no previous owners to diff against.
 */
export function fieldsTreeOf(value: unknown, schema: Schema | undefined): Tree {
  return treeOf(value, schema, true) ?? {};
}

function sortedKeys(t: Tree): Tree {
  const out: Tree = {};
  for (const k of Object.keys(t).sort()) out[k] = t[k];
  return out;
}

function treeOf(value: unknown, schema: Schema | undefined, isRoot = false): Tree | undefined {
  const s = resolved(schema);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    if (s?.type === 'any' || (s?.type === 'object' && s.mapType === 'atomic')) return {};
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return isRoot ? undefined : {};
    const node: Tree = {};
    const isStruct = s?.type === 'object';
    if (!isStruct && !isRoot) node['.'] = {};
    for (const [k, v] of entries) {
      const child = s?.type === 'object' ? s.properties[k] : s?.type === 'map' ? s.values : undefined;
      node[`f:${k}`] = treeOf(v, child) ?? {};
    }
    return sortedKeys(node);
  }
  if (Array.isArray(value) && s?.type === 'array' && value.length > 0) {
    const keys = s.listMapKeys ?? (s.patchMergeKey ? [s.patchMergeKey] : undefined);
    if (s.listType === 'map' && keys) {
      const node: Tree = {};
      for (const item of value) {
        if (item === null || typeof item !== 'object') return {};
        const keyObj: Record<string, unknown> = {};
        for (const k of keys) if ((item as Record<string, unknown>)[k] !== undefined) keyObj[k] = (item as Record<string, unknown>)[k];
        const el: Tree = { '.': {} };
        for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
          if (v !== undefined) el[`f:${k}`] = treeOf(v, resolvedItemField(s.items, k)) ?? {};
        }
        node[`k:${JSON.stringify(keyObj)}`] = sortedKeys(el);
      }
      return sortedKeys(node);
    }
    if (s.listType === 'set' || (s.patchStrategy === 'merge' && !s.patchMergeKey)) {
      const node: Tree = {};
      for (const item of value) node[`v:${JSON.stringify(item)}`] = {};
      return sortedKeys(node);
    }
  }
  return {};
}

/** The value an object holds at a field path (undefined when absent). */
export function valueAt(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const el of path) {
    if (el === '.') continue;
    if (cur === null || cur === undefined) return undefined;
    if (el.startsWith('f:')) cur = (cur as Record<string, unknown>)[el.slice(2)];
    else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as Record<string, unknown>;
      cur = Array.isArray(cur) ? cur.find((it) => it && typeof it === 'object' && Object.entries(key).every(([k, v]) => (it as Record<string, unknown>)[k] === v)) : undefined;
    } else if (el.startsWith('v:')) {
      const v = JSON.stringify(JSON.parse(el.slice(2)));
      cur = Array.isArray(cur) ? cur.find((it) => JSON.stringify(it) === v) : undefined;
    }
  }
  return cur;
}

/** Nested FieldsV1 object from a set of paths. */
export function toFieldsV1(set: Iterable<FieldPathKey>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const p of set) {
    let node = root;
    for (const el of JSON.parse(p) as string[]) node = (node[el] ??= {}) as Record<string, unknown>;
  }
  return sortTree(root);
}

function sortTree(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(node).sort()) out[k] = sortTree(node[k] as Record<string, unknown>);
  return out;
}

export function fromFieldsV1(tree: unknown): Set<FieldPathKey> {
  const out = new Set<FieldPathKey>();
  const rec = (node: unknown, path: string[]) => {
    if (!node || typeof node !== 'object') return;
    const keys = Object.keys(node as Record<string, unknown>);
    if (keys.length === 0 && path.length) out.add(JSON.stringify(path));
    for (const k of keys) rec((node as Record<string, unknown>)[k], [...path, k]);
  };
  rec(tree, []);
  return out;
}
