// Objects in upstream's field order. kube-apiserver writes JSON from Go structs, so every
// object's fields come in their declared order (./go-field-order.ts) and every map's keys
// sorted (Go's encoding/json sorts them). Clients that compare bodies as text, or show them,
// see what upstream shows only if we write the same order. Keys the schema does not know
// keep their order after the declared ones. Meant for the write path: an object is ordered once
// per revision, and an object already in order comes back as the same object, uncopied.
import { lookupDefinition, type ObjectSchema, type Schema } from './dsl.js';
import { GO_FIELD_ORDER } from './go-field-order.js';

type Json = Record<string, unknown>;

interface Plan {
  /** Declared fields in Go order. */
  order: readonly string[];
  rank: ReadonlyMap<string, number>;
  fields: Readonly<Record<string, Schema>>;
}

const plans = new Map<string, Plan>();
const inlinePlans = new WeakMap<ObjectSchema, Plan>();

function planFor(s: ObjectSchema, name?: string): Plan {
  const cached = name ? plans.get(name) : inlinePlans.get(s);
  if (cached) return cached;
  // An inline object (no definition of its own) has no Go order to follow: keep its order.
  const order = (name && GO_FIELD_ORDER[name]) || (s.sortedFields ? Object.keys(s.properties).sort() : []);
  const plan: Plan = { order, rank: new Map(order.map((f, i) => [f, i])), fields: s.properties };
  if (name) plans.set(name, plan);
  else inlinePlans.set(s, plan);
  return plan;
}

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `value` with its fields, and all fields below it, in upstream's order (the same object when it already is). */
export function inGoFieldOrder<T>(value: T, schema: Schema): T {
  return order(value, schema, 0) as T;
}

type Resolved = { kind: 'object'; plan: Plan } | { kind: 'map'; values: Schema } | { kind: 'array'; items: Schema } | { kind: 'leaf' };
/** What each schema node is, once its refs are followed: the lookups stay off the per-object path. */
const resolvedNodes = new WeakMap<Schema, Resolved>();

function resolveNode(schema: Schema): Resolved {
  const hit = resolvedNodes.get(schema);
  if (hit) return hit;
  let s: Schema | undefined = schema;
  let name: string | undefined;
  for (let hops = 0; s && s.type === 'ref' && hops < 32; hops++) {
    name = s.ref;
    s = lookupDefinition(s.ref);
  }
  const r: Resolved =
    s?.type === 'object' ? { kind: 'object', plan: planFor(s, name) } : s?.type === 'map' ? { kind: 'map', values: s.values } : s?.type === 'array' ? { kind: 'array', items: s.items } : { kind: 'leaf' };
  resolvedNodes.set(schema, r);
  return r;
}

function order(value: unknown, schema: Schema, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  const r = resolveNode(schema);
  switch (r.kind) {
    case 'object':
      return isPlainObject(value) ? orderObject(value, r.plan, depth) : value;
    case 'map':
      return isPlainObject(value) ? orderMap(value, r.values, depth) : value;
    case 'array':
      return Array.isArray(value) ? orderArray(value, r.items, depth) : value;
    default:
      return value;
  }
}

function orderArray(a: unknown[], items: Schema, depth: number): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < a.length; i++) {
    const v = order(a[i], items, depth + 1);
    if (v !== a[i]) (out ??= a.slice())[i] = v;
  }
  return out ?? a;
}

function orderMap(m: Json, values: Schema, depth: number): Json {
  const keys = Object.keys(m);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1]! < keys[i]!;
  let vals: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const was = m[keys[i]!];
    const v = order(was, values, depth + 1);
    if (v !== was) (vals ??= keys.map((k) => m[k]))[i] = v;
  }
  if (sorted && !vals) return m;
  const out: Json = {};
  if (sorted) {
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = vals![i];
    return out;
  }
  const index = new Map(keys.map((k, i) => [k, i]));
  for (const k of keys.slice().sort()) out[k] = vals ? vals[index.get(k)!] : m[k];
  return out;
}

function orderObject(o: Json, plan: Plan, depth: number): Json {
  const keys = Object.keys(o);
  const n = keys.length;
  const unknownRank = plan.order.length;
  // In order when the declared keys come first, by rising rank, and the unknown ones after.
  let inOrder = true;
  let last = -1;
  let vals: unknown[] | undefined;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const rank = plan.rank.get(k) ?? unknownRank;
    if (rank < last) inOrder = false;
    else last = rank;
    const fs = plan.fields[k];
    if (!fs) continue;
    const was = o[k];
    const v = order(was, fs, depth + 1);
    if (v !== was) {
      vals ??= keys.map((key) => o[key]);
      vals[i] = v;
    }
  }
  if (inOrder && !vals) return o;
  const out: Json = {};
  if (inOrder) {
    for (let i = 0; i < n; i++) out[keys[i]!] = vals![i];
    return out;
  }
  // Placing by rank: declared keys into their slots, unknown ones after in their order.
  const slots: (number | undefined)[] = new Array(unknownRank);
  const unknown: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = plan.rank.get(keys[i]!);
    if (r === undefined) unknown.push(i);
    else slots[r] = i;
  }
  for (const i of slots) if (i !== undefined) out[keys[i]!] = vals ? vals[i] : o[keys[i]!];
  for (const i of unknown) out[keys[i]!] = vals ? vals[i] : o[keys[i]!];
  return out;
}

/**
 * Puts `obj`'s fields in upstream's order in place, keeping the object's identity (callers hold
 * it: the write path answers the client with the object it stored).
 */
export function orderInPlace(obj: object, schema: Schema): void {
  const ordered = order(obj, schema, 0) as object;
  if (ordered === obj) return;
  for (const k of Object.keys(obj)) delete (obj as Json)[k];
  Object.assign(obj, ordered);
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Sets metadata.resourceVersion in its declared place, which a plain assignment would not when the key is new. */
export function withResourceVersion<M extends { resourceVersion?: string }>(meta: M, resourceVersion: string): M {
  if ('resourceVersion' in meta) {
    meta.resourceVersion = resourceVersion;
    return meta;
  }
  return order({ ...meta, resourceVersion }, { type: 'ref', ref: OBJECT_META }, 0) as M;
}
