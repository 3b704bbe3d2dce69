// What changed between two versions of an object, in field-set terms (smd's Compare): paths
// added, paths whose value was modified, paths removed. Containers that appear or disappear
// count as added or removed themselves; associative list items and set values by their key.
import type { Schema } from '../../api/schema/dsl.js';
import { deepEqual } from './equality.js';
import { keyOf, type PathSet } from './path-set.js';
import { assocElements, childSchema, isEmptyContainer, isObject, nodeOf, valueElement } from './typed.js';

export interface Comparison {
  added: PathSet;
  modified: PathSet;
  removed: PathSet;
}

export function compareObjects(before: unknown, after: unknown, schema: Schema | undefined): Comparison {
  const c: Comparison = { added: new Set(), modified: new Set(), removed: new Set() };
  compareChildren(before, after, schema, [], c);
  return c;
}

function compareChildren(a: unknown, b: unknown, schema: Schema | undefined, path: string[], c: Comparison): void {
  const node = nodeOf(schema, b ?? a);
  const ao = isObject(a) ? a : {};
  const bo = isObject(b) ? b : {};
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) compareNode(ao[k], bo[k], childSchema(node, k), [...path, `f:${k}`], c);
}

function compareNode(a: unknown, b: unknown, schema: Schema | undefined, path: string[], c: Comparison): void {
  if (a === undefined && b === undefined) return;
  const node = nodeOf(schema, b ?? a);
  const leaf = node.kind === 'atomic' || (isEmptyContainer(a) && isEmptyContainer(b)) || !sameShape(a, b);
  if (leaf) {
    if (a === undefined) c.added.add(keyOf(path));
    else if (b === undefined) c.removed.add(keyOf(path));
    else if (!deepEqual(a, b)) c.modified.add(keyOf(path));
    return;
  }
  switch (node.kind) {
    case 'struct':
    case 'map':
      if (a === undefined) c.added.add(keyOf(path));
      if (b === undefined) c.removed.add(keyOf(path));
      compareChildren(a, b, schema, path, c);
      return;
    case 'setList': {
      const as = new Set((Array.isArray(a) ? a : []).map(valueElement));
      const bs = new Set((Array.isArray(b) ? b : []).map(valueElement));
      for (const el of bs) if (!as.has(el)) c.added.add(keyOf([...path, el]));
      for (const el of as) if (!bs.has(el)) c.removed.add(keyOf([...path, el]));
      return;
    }
    case 'assocList': {
      const byEl = (list: unknown) => {
        const m = new Map<string, unknown>();
        const arr = Array.isArray(list) ? list : [];
        assocElements(arr, node.keys).forEach((el, i) => el && !m.has(el) && m.set(el, arr[i]));
        return m;
      };
      const am = byEl(a);
      const bm = byEl(b);
      for (const el of new Set([...am.keys(), ...bm.keys()])) {
        const ai = am.get(el);
        const bi = bm.get(el);
        const p = [...path, el];
        if (ai === undefined) c.added.add(keyOf(p));
        if (bi === undefined) c.removed.add(keyOf(p));
        if (isObject(ai) || isObject(bi)) compareChildren(ai, bi, node.items, p, c);
      }
      return;
    }
  }
}

/** Values of different JSON types are compared whole. */
function sameShape(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return true;
  if (a === null || b === null) return a === b;
  return Array.isArray(a) === Array.isArray(b) && typeof a === typeof b;
}
