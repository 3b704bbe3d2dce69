// Merging an applied configuration into the live object, following the schema: structs and
// maps merge field by field, associative lists by key, sets by value; everything else (scalars,
// atomic lists and structs) is replaced by the configuration's value. A null in the
// configuration unsets the field.
import type { Schema } from '../../api/schema/dsl.js';
import { assocElements, childSchema, isObject, nodeOf, valueElement } from './typed.js';

export function mergeApplied(live: unknown, config: unknown, schema: Schema | undefined): unknown {
  if (config === undefined) return live;
  const node = nodeOf(schema, config);
  switch (node.kind) {
    case 'struct':
    case 'map': {
      if (!isObject(config)) return structuredClone(config);
      const out: Record<string, unknown> = isObject(live) ? { ...live } : {};
      for (const [k, v] of Object.entries(config)) {
        if (v === undefined) continue;
        if (v === null) delete out[k];
        else out[k] = mergeApplied(out[k], v, childSchema(node, k));
      }
      return out;
    }
    case 'setList': {
      if (!Array.isArray(config)) return structuredClone(config);
      const lhs = Array.isArray(live) ? live : [];
      return mergeLists(lhs, config, lhs.map(valueElement), config.map(valueElement), (l, r) => structuredClone(r ?? l));
    }
    case 'assocList': {
      if (!Array.isArray(config)) return structuredClone(config);
      const lhs = Array.isArray(live) ? live : [];
      return mergeLists(lhs, config, assocElements(lhs, node.keys), assocElements(config, node.keys), (l, r) => (r === undefined ? l : mergeApplied(l, r, node.items)));
    }
    default:
      return structuredClone(config);
  }
}

/**
 * Merge two keyed lists the way structured-merge-diff orders them: items only in the live list
 * keep their place, items in both follow the configuration's order, new items appear where the
 * configuration puts them.
 */
export function mergeLists(lhs: readonly unknown[], rhs: readonly unknown[], lhsEls: readonly (string | undefined)[], rhsEls: readonly (string | undefined)[], mergeItem: (live: unknown, applied: unknown) => unknown): unknown[] {
  // Live items without a usable key are kept as they are, each unique.
  const lEls = lhsEls.map((e, i) => e ?? `#unkeyed-${i}`);
  const rEls = rhsEls.map((e, i) => e ?? `#unkeyed-applied-${i}`);
  const liveByEl = new Map<string, unknown>();
  lEls.forEach((e, i) => liveByEl.has(e) || liveByEl.set(e, lhs[i]));
  const appliedByEl = new Map<string, unknown>();
  rEls.forEach((e, i) => appliedByEl.has(e) || appliedByEl.set(e, rhs[i]));

  const shared = rEls.filter((e) => liveByEl.has(e));
  let nextShared = shared.shift();
  const advance = (el: string) => {
    if (nextShared === el) nextShared = shared.shift();
  };
  const emitted = new Set<string>();
  const out: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < lEls.length || r < rEls.length) {
    if (l < lEls.length && r < rEls.length) {
      const el = lEls[l]!;
      if (el === rEls[r]) {
        if (!emitted.has(el)) out.push(mergeItem(liveByEl.get(el), appliedByEl.get(el)));
        emitted.add(el);
        advance(el);
        l++;
        r++;
        continue;
      }
      // A shared item waits until the configuration's order reaches it.
      if (appliedByEl.has(el) && nextShared !== undefined && nextShared !== el) {
        l++;
        continue;
      }
    }
    if (l < lEls.length) {
      const el = lEls[l]!;
      if (!appliedByEl.has(el)) {
        out.push(lhs[l]);
        l++;
        continue;
      }
      if (emitted.has(el)) {
        l++;
        continue;
      }
    }
    if (r < rEls.length) {
      const el = rEls[r]!;
      if (!emitted.has(el)) out.push(mergeItem(liveByEl.get(el), appliedByEl.get(el)));
      emitted.add(el);
      advance(el);
      r++;
    }
  }
  return out;
}
