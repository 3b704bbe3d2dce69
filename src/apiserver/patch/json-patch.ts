// RFC 6902 JSON patch, applied as kube-apiserver applies it (evanphx/json-patch v4):
// - a body that is not an array of objects is a 400 with Go's decoding message;
// - more than 10000 operations is a 413;
// - any operation that does not apply is a 422 whose message is the apiserver's generic
//   "the server rejected our request due to an error in our request"; the precise reason is
//   kept in PatchError.detail for logs;
// - v4 quirks kept because clients observe them: `replace` of a missing object member adds it,
//   `test` of a missing member against null passes, negative array indexes count from the end
//   for add and remove, a missing `value` means null, and the whole document ("" path) cannot
//   be targeted.
import { JSON_PATCH_REJECTED, PatchError, badRequest, unprocessable } from './errors.js';
import { deepClone, deepEqual, getOwn, hasOwn, isMap, setOwn, type JsonMap } from './json-value.js';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Container = JsonMap | unknown[];

class OpFailed extends Error {}

function goTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Checks the decoded body has the shape evanphx's DecodePatch accepts. */
function decodeOperations(patch: unknown): JsonMap[] {
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${goTypeName(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (!isMap(op)) throw badRequest(`json: cannot unmarshal ${goTypeName(op)} into Go value of type jsonpatch.Operation`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(413, `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  return patch as JsonMap[];
}

function stringField(op: JsonMap, name: 'op' | 'path' | 'from'): string | undefined {
  const v = getOwn(op, name);
  return typeof v === 'string' ? v : undefined;
}

function decodeToken(t: string): string {
  return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The container holding the pointer's last token, and that token; undefined when a parent is missing. */
function locate(doc: Container, pointer: string): { parent: Container; key: string } | undefined {
  const tokens = pointer.split('/');
  if (tokens.length < 2) return undefined;
  let cur: Container = doc;
  for (const raw of tokens.slice(1, -1)) {
    const next = getChild(cur, decodeToken(raw));
    if (!Array.isArray(next) && !isMap(next)) return undefined;
    cur = next;
  }
  return { parent: cur, key: decodeToken(tokens[tokens.length - 1]!) };
}

function parseIndex(key: string): number | undefined {
  // strconv.Atoi: optional sign, decimal digits.
  return /^[+-]?\d+$/.test(key) ? Number(key) : undefined;
}

function getChild(c: Container, key: string): unknown {
  if (Array.isArray(c)) {
    const i = parseIndex(key);
    if (i === undefined || i < 0 || i >= c.length) return undefined;
    return c[i];
  }
  return getOwn(c, key);
}

/** Reads the member a pointer names, failing as v4 fails for arrays and tolerating absent object members. */
function read(c: Container, key: string, pointer: string): unknown {
  if (Array.isArray(c)) {
    const i = parseIndex(key);
    if (i === undefined) throw new OpFailed(`value was not a proper array index: '${key}' (${pointer})`);
    if (i < 0 || i >= c.length) throw new OpFailed(`Unable to access invalid index: ${i}`);
    return c[i];
  }
  return getOwn(c, key);
}

function add(c: Container, key: string, value: unknown, pointer: string): void {
  if (!Array.isArray(c)) {
    setOwn(c, key, value);
    return;
  }
  if (key === '-') {
    c.push(value);
    return;
  }
  let i = parseIndex(key);
  if (i === undefined) throw new OpFailed(`error in add for path: '${pointer}': value was not a proper array index: '${key}'`);
  const size = c.length + 1;
  if (i >= size || i < -size) throw new OpFailed(`error in add for path: '${pointer}': Unable to access invalid index: ${i}`);
  if (i < 0) i += size;
  c.splice(i, 0, value);
}

function remove(c: Container, key: string, pointer: string): void {
  if (!Array.isArray(c)) {
    if (!hasOwn(c, key)) throw new OpFailed(`error in remove for path: '${pointer}': Unable to remove nonexistent key: ${key}`);
    delete c[key];
    return;
  }
  let i = parseIndex(key);
  if (i === undefined) throw new OpFailed(`error in remove for path: '${pointer}': value was not a proper array index: '${key}'`);
  if (i >= c.length || i < -c.length) throw new OpFailed(`error in remove for path: '${pointer}': Unable to access invalid index: ${i}`);
  if (i < 0) i += c.length;
  c.splice(i, 1);
}

function requirePath(op: JsonMap, kind: string, field: 'path' | 'from' = 'path'): string {
  const p = stringField(op, field);
  if (p === undefined) throw new OpFailed(`${kind} operation failed to decode ${field}`);
  return p;
}

function mustLocate(doc: Container, pointer: string, what: string): { parent: Container; key: string } {
  const at = locate(doc, pointer);
  if (!at) throw new OpFailed(`${what}: "${pointer}"`);
  return at;
}

function applyOne(doc: Container, op: JsonMap): void {
  const kind = stringField(op, 'op') ?? 'unknown';
  const value = hasOwn(op, 'value') ? deepClone(op['value']) : null;
  switch (kind) {
    case 'add': {
      const path = requirePath(op, kind);
      const at = mustLocate(doc, path, 'add operation does not apply: doc is missing path');
      add(at.parent, at.key, value, path);
      return;
    }
    case 'remove': {
      const path = requirePath(op, kind);
      const at = mustLocate(doc, path, 'remove operation does not apply: doc is missing path');
      remove(at.parent, at.key, path);
      return;
    }
    case 'replace': {
      const path = requirePath(op, kind);
      const at = mustLocate(doc, path, 'replace operation does not apply: doc is missing path');
      read(at.parent, at.key, path);
      if (Array.isArray(at.parent)) at.parent[parseIndex(at.key)!] = value;
      else setOwn(at.parent, at.key, value);
      return;
    }
    case 'move': {
      const from = requirePath(op, kind, 'from');
      const src = mustLocate(doc, from, 'move operation does not apply: doc is missing from path');
      const moved = read(src.parent, src.key, from);
      remove(src.parent, src.key, from);
      const path = requirePath(op, kind);
      const dst = mustLocate(doc, path, 'move operation does not apply: doc is missing destination path');
      add(dst.parent, dst.key, moved, path);
      return;
    }
    case 'copy': {
      const from = requirePath(op, kind, 'from');
      const src = mustLocate(doc, from, 'copy operation does not apply: doc is missing from path');
      const copied = deepClone(read(src.parent, src.key, from));
      const path = requirePath(op, kind);
      const dst = mustLocate(doc, path, 'copy operation does not apply: doc is missing destination path');
      add(dst.parent, dst.key, copied === undefined ? null : copied, path);
      return;
    }
    case 'test': {
      const path = requirePath(op, kind);
      const at = mustLocate(doc, path, 'test operation does not apply: is missing path');
      const actual = read(at.parent, at.key, path);
      const expected = value;
      if (actual === undefined || actual === null ? expected === null : deepEqual(actual, expected)) return;
      throw new OpFailed(`testing value ${path} failed: test failed`);
    }
    default:
      throw new OpFailed(`Unexpected kind: ${kind}`);
  }
}

/** Applies an RFC 6902 patch to a copy of `original`; `original` itself is never changed. */
export function applyJsonPatch(original: unknown, patch: unknown): unknown {
  const ops = decodeOperations(patch);
  const doc = deepClone(original);
  if (!Array.isArray(doc) && !isMap(doc)) throw unprocessable(JSON_PATCH_REJECTED, 'the document to patch is not a JSON object or array');
  for (const op of ops) {
    try {
      applyOne(doc, op);
    } catch (err) {
      if (err instanceof OpFailed) throw unprocessable(JSON_PATCH_REJECTED, err.message);
      throw err;
    }
  }
  return doc;
}
