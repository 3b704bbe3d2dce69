// Strategic merge patch, the server side of upstream's strategicpatch.StrategicMergeMapPatch:
// a JSON merge patch whose lists merge as the schema's patchStrategy / patchMergeKey say, plus
// the directives kubectl sends ($patch, $retainKeys, $setElementOrder/<list>,
// $deleteFromPrimitiveList/<list>). Errors carry upstream's wording; the ones upstream lets
// through as 500s are 422s here, since they are always the patch's fault.
//
// Deliberate differences from upstream, each to keep directives and nulls out of stored objects
// (upstream relies on typed decoding to drop them, which an untyped store does not have):
// - a value new to the object is merged into an empty one, so its directives are applied and
//   its nulls dropped, instead of being copied verbatim;
// - $deleteFromPrimitiveList for a list the object lacks deletes nothing instead of creating it;
// - `$patch: merge` on a map means "merge as usual" instead of an unknown-patch-type error;
// - a `{$patch: replace}` item in a merged list of primitives replaces the list.
import type { Schema } from '../../api/schema/dsl.js';
import { badRequest, unprocessable, type PatchError } from './errors.js';
import { deepClone, getOwn, goFormat, hasOwn, isMap, jsonKind, setOwn, type JsonMap } from './json-value.js';
import { fieldMeta, itemSchema, type FieldMeta } from './patch-meta.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// ---- upstream's mergepatch errors ------------------------------------------------------

const errBadPrimitiveList = () => badRequest('invalid patch format of primitive list');
const errBadRetainKeys = () => badRequest('invalid patch format of retainKeys');
const errBadSetElementOrder = () => badRequest('invalid patch format of setElementOrder list');
const errListOfLists = () => unprocessable('lists of lists are not supported');
const errNoMergeKey = (m: unknown, key: string) => unprocessable(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadPatchType = (t: unknown, m: unknown) => unprocessable(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);
const errMergeDirectiveInList = () => unprocessable('merging lists cannot yet be specified in the patch');

function goTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

// ---- maps ------------------------------------------------------------------------------

/** Merges `patch` into `original` in place (both are private copies) and returns the result. */
function mergeMap(original: JsonMap, patch: JsonMap, schema: Schema | undefined): JsonMap {
  if (hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'delete') return {};
    if (directive !== 'replace' && directive !== 'merge') throw errBadPatchType(directive, patch);
    delete patch[DIRECTIVE];
    if (directive === 'replace') return mergeMap({}, patch, schema);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);

  // Deletions from primitive lists run after the lists' own merges, so a value both added and
  // deleted in one patch ends up deleted whatever the key order.
  const deletions: string[] = [];
  for (const key of Object.keys(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) deletions.push(key);
    else mergeField(original, key, patch[key], schema);
  }
  for (const key of deletions) deleteFromPrimitiveList(original, key, patch[key]);
  return original;
}

function mergeField(original: JsonMap, key: string, patchValue: unknown, schema: Schema | undefined): void {
  if (patchValue === null) {
    delete original[key];
    return;
  }
  const meta = fieldMeta(schema, key);
  const current = getOwn(original, key);
  const kind = jsonKind(current);
  if (!hasOwn(original, key) || kind !== jsonKind(patchValue) || (kind !== 'map' && kind !== 'list')) {
    setOwn(original, key, freshValue(patchValue, meta));
  } else if (kind === 'map') {
    const merged = meta.strategy === 'replace' ? freshValue(patchValue, meta) : mergeMap(current as JsonMap, patchValue as JsonMap, meta.schema);
    setOwn(original, key, merged);
  } else {
    setOwn(original, key, mergeListField(current as unknown[], patchValue as unknown[], meta));
  }
}

/** A patch value for a field the object does not have yet (or whose type changes). */
function freshValue(patchValue: unknown, meta: FieldMeta): unknown {
  if (isMap(patchValue)) return mergeMap({}, patchValue, meta.schema);
  if (Array.isArray(patchValue) && meta.strategy === 'merge') return freshMergeList(patchValue, itemSchema(meta.schema));
  return patchValue;
}

/** A merged list new to the object: its directive items have nothing to act on and go away. */
function freshMergeList(patch: unknown[], items: Schema | undefined): unknown[] {
  const out: unknown[] = [];
  for (const v of patch) {
    if (isMap(v) && hasOwn(v, DIRECTIVE)) {
      const directive = v[DIRECTIVE];
      if (directive === 'merge') throw errMergeDirectiveInList();
      if (directive !== 'delete' && directive !== 'replace') throw errBadPatchType(directive, v);
      continue;
    }
    out.push(isMap(v) ? mergeMap({}, v, items) : v);
  }
  return out;
}

/** $retainKeys: keys of the original not listed are cleared; the patch may only set listed keys. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw errBadRetainKeys();
  const keep = new Set(list.filter((k): k is string => typeof k === 'string'));
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(key)) throw errBadRetainKeys();
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/** The list name after "<prefix>/", or the prefix's format error. */
function directiveTarget(key: string, prefix: string, formatError: () => PatchError): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw formatError();
  return key.slice(slash + 1);
}

function deleteFromPrimitiveList(original: JsonMap, key: string, values: unknown): void {
  const field = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST, errBadPrimitiveList);
  if (!Array.isArray(values)) throw errBadPrimitiveList();
  const current = getOwn(original, field);
  if (!Array.isArray(current)) return;
  const drop = new Set(values);
  setOwn(original, field, current.filter((v) => !drop.has(v)));
}

// ---- lists -----------------------------------------------------------------------------

function mergeListField(current: unknown[], patch: unknown[], meta: FieldMeta): unknown[] {
  if (meta.strategy !== 'merge') return patch;
  return mergeList(current, patch, itemSchema(meta.schema), meta.mergeKey);
}

type ElementKind = 'map' | 'scalar';

/** Upstream's sliceElementType: every element of every list the same JSON type, and not a list. */
function elementKind(...lists: unknown[][]): ElementKind | undefined {
  let seen: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = jsonKind(v);
      if (k === 'list') throw errListOfLists();
      if (seen === undefined) seen = k;
      else if (seen !== k) throw unprocessable(`list element types are not identical: ${goFormat(lists)}`);
    }
  }
  if (seen === undefined) return undefined;
  return seen === 'map' ? 'map' : 'scalar';
}

function mergeList(original: unknown[], patch: unknown[], items: Schema | undefined, mergeKey: string | undefined): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const isDirective = (v: unknown) => isMap(v) && hasOwn(v, DIRECTIVE);
  const plain = patch.filter((v) => !isDirective(v));
  // Primitives merge as a set; a list holding nothing but directives counts as one when the
  // schema names no merge key.
  const scalarList = [...original, ...plain].some((v) => !isMap(v)) || (!mergeKey && original.length === 0 && plain.length === 0);
  if (scalarList) return mergeScalarList(original, patch, plain);
  if (!mergeKey) throw unprocessable('cannot merge lists without merge key for type struct');
  elementKind(original, patch);
  const [base, rest] = applyListDirectives(original, patch, mergeKey, items);
  const merged = mergeByKey(base, rest, mergeKey, items);
  return orderMerged(merged, rest, base, mergeKey);
}

function mergeScalarList(original: unknown[], patch: unknown[], plain: unknown[]): unknown[] {
  let base = original;
  for (const v of patch) {
    if (!isMap(v) || !hasOwn(v, DIRECTIVE)) continue;
    if (v[DIRECTIVE] !== 'replace') throw errBadPatchType(v[DIRECTIVE], v);
    base = [];
  }
  elementKind(base, plain);
  const merged = dedupe([...base, ...plain]);
  return orderMerged(merged, plain, base, undefined);
}

function dedupe(list: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return list.filter((v) => (seen.has(v) ? false : (seen.add(v), true)));
}

/** Applies `$patch` items of a keyed list; returns the (possibly reduced) original and the plain patch items. */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string, items: Schema | undefined): [unknown[], JsonMap[]] {
  const rest: JsonMap[] = [];
  let replace = false;
  for (const v of patch as JsonMap[]) {
    if (!hasOwn(v, DIRECTIVE)) {
      rest.push(v);
      continue;
    }
    const directive = v[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      // Every entry with that key goes, duplicates included.
      original = original.filter((o) => !(isMap(o) && hasOwn(o, mergeKey) && o[mergeKey] === v[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw errMergeDirectiveInList();
    } else {
      throw errBadPatchType(directive, v);
    }
  }
  if (replace) return [rest.map((v) => mergeMap({}, v, items)), []];
  return [original, rest];
}

/** Patch items merge into the original item with the same key; new keys are appended. */
function mergeByKey(original: unknown[], patch: JsonMap[], mergeKey: string, items: Schema | undefined): unknown[] {
  const out = [...original];
  for (const v of patch) {
    if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    const at = out.findIndex((o) => isMap(o) && hasOwn(o, mergeKey) && o[mergeKey] === v[mergeKey]);
    if (at >= 0) out[at] = mergeMap(out[at] as JsonMap, v, items);
    else out.push(mergeMap({}, v, items));
  }
  return out;
}

// ---- ordering (upstream's normalizeElementOrder / mergeSortedSlice) -------------------------

/** How an item is identified: its merge key's value, or itself for primitives. */
function identity(mergeKey: string | undefined): (v: unknown) => unknown {
  return mergeKey ? (v) => (isMap(v) ? getOwn(v, mergeKey) : undefined) : (v) => v;
}

function requireMergeKeys(mergeKey: string | undefined, ...lists: unknown[][]): void {
  if (!mergeKey) return;
  for (const list of lists) for (const v of list) if (!isMap(v) || !hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
}

function positions(list: unknown[], id: (v: unknown) => unknown): Map<unknown, number> {
  const at = new Map<unknown, number>();
  list.forEach((v, i) => {
    const k = id(v);
    if (!at.has(k)) at.set(k, i);
  });
  return at;
}

/**
 * Orders a merged list: items named by `order` (the patch list, or $setElementOrder) follow its
 * order; the others keep the order of `server` (the live list), interleaved so that each stays
 * before the patch items it preceded on the server.
 */
function orderMerged(merged: unknown[], order: unknown[], server: unknown[], mergeKey: string | undefined): unknown[] {
  const id = identity(mergeKey);
  requireMergeKeys(mergeKey, merged, order);
  const inOrder = positions(order, id);
  const inServer = positions(server, id);
  const patchItems = merged.filter((v) => inOrder.has(id(v)));
  const serverOnly = merged.filter((v) => !inOrder.has(id(v)));
  const byPosition = (at: Map<unknown, number>) => (a: unknown, b: unknown) =>
    (at.get(id(a)) ?? Number.MAX_SAFE_INTEGER) - (at.get(id(b)) ?? Number.MAX_SAFE_INTEGER);
  patchItems.sort(byPosition(inOrder));
  serverOnly.sort(byPosition(inServer));

  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) out.push(patchItems[j++]);
    else if (j >= patchItems.length) out.push(serverOnly[i++]);
    else {
      const li = inServer.get(id(serverOnly[i]));
      const ri = inServer.get(id(patchItems[j]));
      if (li !== undefined && ri !== undefined && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}

/** Upstream's validatePatchWithSetOrderList: the patch list's items appear in $setElementOrder, in the same order. */
function checkPatchAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    for (const v of patchList) if (!isMap(v)) throw unprocessable(`expected a map[string]interface {}, but received a ${goTypeName(v)}`);
    items = patchList.filter((v) => (v as JsonMap)[DIRECTIVE] !== 'delete');
  }
  const sameItem = (a: unknown, b: unknown): boolean => {
    if (!mergeKey) return a === b;
    if (!isMap(a) || !hasOwn(a, mergeKey)) throw errNoMergeKey(a, mergeKey);
    if (!isMap(b) || !hasOwn(b, mergeKey)) throw errNoMergeKey(b, mergeKey);
    return a[mergeKey] === b[mergeKey];
  };
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isMap(items[p]) && hasOwn(items[p] as JsonMap, DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameItem(items[p], order[o])) p++;
    o++;
  }
  if (p < items.length) {
    throw unprocessable(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

/** $setElementOrder/<list>: merges that list now and orders it as the directive says. */
function applySetElementOrder(original: JsonMap, patch: JsonMap, schema: Schema | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadSetElementOrder();
    const field = directiveTarget(key, SET_ELEMENT_ORDER, errBadSetElementOrder);
    const meta = fieldMeta(schema, field);
    const current = getOwn(original, field);
    const patchList = getOwn(patch, field);
    const hasCurrent = current !== undefined && current !== null;
    const hasPatch = patchList !== undefined && patchList !== null;
    if (hasCurrent && !Array.isArray(current)) throw unprocessable(`expected a []interface {}, but received a ${goTypeName(current)}`);
    if (hasPatch && !Array.isArray(patchList)) throw unprocessable(`expected a []interface {}, but received a ${goTypeName(patchList)}`);
    if (!hasCurrent && !hasPatch) continue;
    const mergeKey = meta.strategy === 'merge' ? meta.mergeKey : undefined;
    checkPatchAgainstOrder((patchList as unknown[] | undefined) ?? [], order, mergeKey);

    const server = (current as unknown[] | undefined) ?? [];
    const merged = !hasPatch
      ? server
      : hasCurrent
        ? mergeListField(server, patchList as unknown[], meta)
        : (freshValue(patchList, meta) as unknown[]);
    if (hasPatch) delete patch[field];
    // A list of objects without a merge key has no identity to order by; it stays as merged.
    const ordered = merged.some(isMap) && !mergeKey ? merged : orderMerged(merged, order, server, mergeKey);
    setOwn(original, field, ordered);
  }
}

// ---- entry point ---------------------------------------------------------------------------

/**
 * Applies a strategic merge patch to a copy of `original`, reading patch strategies from
 * `schema` (a field it does not describe merges as in a JSON merge patch).
 * `original` and `patch` are never changed.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: Schema | undefined): JsonMap {
  if (!isMap(patch)) throw badRequest(`json: cannot unmarshal ${goTypeName(patch)} into Go value of type map[string]interface {}`);
  const doc = isMap(original) ? deepClone(original) : {};
  return mergeMap(doc, deepClone(patch), schema);
}
