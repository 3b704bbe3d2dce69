// Field sets for server-side apply. A member is a path of elements ("f:spec", "k:{...}",
// "v:..."), kept as its JSON text so sets are plain Set<string>. Unlike the wire format, a
// member never ends in "."; FieldsV1 writes "." only for members that also have children.
import { isObject } from './typed.js';

export type PathKey = string;
export type PathSet = Set<PathKey>;

export const keyOf = (path: readonly string[]): PathKey => JSON.stringify(path);
export const pathOf = (key: PathKey): string[] => JSON.parse(key) as string[];

/** Members of a FieldsV1 tree. */
export function decodeFieldsV1(tree: unknown): PathSet {
  const out: PathSet = new Set();
  const walk = (node: unknown, path: string[]) => {
    if (!isObject(node)) return;
    const children = Object.keys(node);
    if (path.length && (children.length === 0 || children.includes('.'))) out.add(keyOf(path));
    for (const c of children) if (c !== '.') walk(node[c], [...path, c]);
  };
  walk(tree, []);
  return out;
}

/** FieldsV1 tree of a set, keys sorted as upstream serializes them. */
export function encodeFieldsV1(set: Iterable<PathKey>): Record<string, unknown> {
  type T = { members: boolean; children: Map<string, T> };
  const root: T = { members: false, children: new Map() };
  for (const k of set) {
    let node = root;
    for (const el of pathOf(k)) {
      let next = node.children.get(el);
      if (!next) node.children.set(el, (next = { members: false, children: new Map() }));
      node = next;
    }
    node.members = true;
  }
  const emit = (node: T): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (node.members && node.children.size) out['.'] = {};
    for (const el of [...node.children.keys()].sort()) out[el] = emit(node.children.get(el)!);
    return out;
  };
  return emit(root);
}

export function union(...sets: Iterable<PathKey>[]): PathSet {
  const out: PathSet = new Set();
  for (const s of sets) for (const k of s) out.add(k);
  return out;
}

export function difference(a: Iterable<PathKey>, b: ReadonlySet<PathKey>): PathSet {
  const out: PathSet = new Set();
  for (const k of a) if (!b.has(k)) out.add(k);
  return out;
}

export function intersection(a: Iterable<PathKey>, b: ReadonlySet<PathKey>): PathSet {
  const out: PathSet = new Set();
  for (const k of a) if (b.has(k)) out.add(k);
  return out;
}

/** Every member and every prefix of a member: the paths that lead to something in the set. */
export function withAncestors(set: Iterable<PathKey>): PathSet {
  const out: PathSet = new Set();
  for (const k of set) {
    const p = pathOf(k);
    for (let i = 1; i <= p.length; i++) out.add(keyOf(p.slice(0, i)));
  }
  return out;
}

/** A path as structured-merge-diff prints it: .spec.containers[name="app"].image */
export function formatPath(path: readonly string[]): string {
  let out = '';
  for (const el of path) {
    if (el.startsWith('f:')) out += `.${el.slice(2)}`;
    else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as Record<string, unknown>;
      out += `[${Object.keys(key)
        .sort()
        .map((k) => `${k}=${formatValue(key[k])}`)
        .join(',')}]`;
    } else if (el.startsWith('v:')) out += `[=${formatValue(JSON.parse(el.slice(2)))}]`;
    else if (el.startsWith('i:')) out += `[${el.slice(2)}]`;
  }
  return out;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
