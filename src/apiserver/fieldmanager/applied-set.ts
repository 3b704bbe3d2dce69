// The fields an applied configuration sets, as structured-merge-diff's ToFieldSet computes
// them: leaves, empty containers, associative-list items and set values, atomic values whole.
// Maps and structs are only the sum of their fields (no "." of their own, unlike Update
// entries). Walking the configuration also type-checks it: fields the schema does not
// declare, list items without their key, duplicate keys.
import type { Schema } from '../../api/schema/dsl.js';
import { formatPath, keyOf, type PathSet } from './path-set.js';
import { childSchema, isEmptyContainer, isObject, itemKey, keyElement, nodeOf, resolveSchema, valueElement } from './typed.js';

export interface AppliedSet {
  set: PathSet;
  /** Type errors, each "<path>: <what is wrong>" as smd words them. */
  errors: string[];
}

export function appliedSetOf(config: Record<string, unknown>, schema: Schema | undefined): AppliedSet {
  const set: PathSet = new Set();
  const errors: string[] = [];
  walkChildren(config, schema, [], set, errors);
  return { set, errors };
}

function walkChildren(value: Record<string, unknown>, schema: Schema | undefined, path: string[], set: PathSet, errors: string[]): void {
  const node = nodeOf(schema, value);
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (node.kind === 'struct' && !(k in node.fields)) {
      errors.push(`${formatPath([...path, `f:${k}`])}: field not declared in schema`);
      continue;
    }
    walk(v, childSchema(node, k), [...path, `f:${k}`], set, errors);
  }
}

function walk(value: unknown, schema: Schema | undefined, path: string[], set: PathSet, errors: string[]): void {
  const node = nodeOf(schema, value);
  if (value === null || node.kind === 'atomic' || isEmptyContainer(value)) {
    if (node.kind === 'atomic') checkAtomic(value, schema, path, errors);
    set.add(keyOf(path));
    return;
  }
  switch (node.kind) {
    case 'struct':
    case 'map':
      if (!isObject(value)) return typeMismatch(path, 'map', errors, set);
      walkChildren(value, schema, path, set, errors);
      return;
    case 'setList': {
      if (!Array.isArray(value)) return typeMismatch(path, 'list', errors, set);
      const seen = new Set<string>();
      for (const item of value) {
        const el = valueElement(item);
        if (seen.has(el)) errors.push(`${formatPath(path)}: duplicate entries for key ${formatPath([el])}`);
        seen.add(el);
        set.add(keyOf([...path, el]));
      }
      return;
    }
    case 'assocList': {
      if (!Array.isArray(value)) return typeMismatch(path, 'list', errors, set);
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const k = itemKey(item, node.keys);
        if ('missing' in k) {
          errors.push(`${formatPath(path)}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(k.missing)} (and doesn't have default value)`);
          return;
        }
        const el = keyElement(k.key);
        if (seen.has(el)) {
          errors.push(`${formatPath(path)}: duplicate entries for key ${formatPath([el])}`);
          return;
        }
        seen.add(el);
        set.add(keyOf([...path, el]));
        if (isObject(item)) walkChildren(item, node.items, [...path, el], set, errors);
      });
      return;
    }
  }
}

function typeMismatch(path: string[], expected: string, errors: string[], set: PathSet): void {
  errors.push(`${formatPath(path)}: expected ${expected}, got a different type`);
  set.add(keyOf(path));
}

/** Atomic values are owned whole, but the fields inside them must still be declared. */
function checkAtomic(value: unknown, schema: Schema | undefined, path: string[], errors: string[]): void {
  const s = resolveSchema(schema);
  if (!s || value === null || value === undefined) return;
  if (isObject(value) && (s.type === 'object' || s.type === 'map')) {
    for (const [k, v] of Object.entries(value)) {
      if (s.type === 'object' && !(k in s.properties)) errors.push(`${formatPath([...path, `f:${k}`])}: field not declared in schema`);
      else checkAtomic(v, s.type === 'object' ? s.properties[k] : s.values, [...path, `f:${k}`], errors);
    }
  } else if (Array.isArray(value) && s.type === 'array') {
    value.forEach((item, i) => checkAtomic(item, s.items, [...path, `i:${i}`], errors));
  }
}
