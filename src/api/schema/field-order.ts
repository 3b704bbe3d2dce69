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
  const order = (name && GO_FIELD_ORDER[name]) || [];
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

function order(value: unknown, schema: Schema, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  let s = schema;
  let name: string | undefined;
  for (let hops = 0; s.type === 'ref' && hops < 32; hops++) {
    name = s.ref;
    const next = lookupDefinition(s.ref);
    if (!next) return value;
    s = next;
  }
  switch (s.type) {
    case 'object':
      return isPlainObject(value) ? orderObject(value, planFor(s, name), depth) : value;
    case 'map':
      return isPlainObject(value) ? orderMap(value, s.values, depth) : value;
    case 'array':
      return Array.isArray(value) ? orderArray(value, s.items, depth) : value;
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
  let changed: Json | undefined;
  for (const k of keys) {
    const v = order(m[k], values, depth + 1);
    if (v !== m[k]) (changed ??= {})[k] = v;
  }
  if (sorted && !changed) return m;
  const out: Json = {};
  for (const k of sorted ? keys : keys.slice().sort()) out[k] = changed && k in changed ? changed[k] : m[k];
  return out;
}

function orderObject(o: Json, plan: Plan, depth: number): Json {
  const keys = Object.keys(o);
  // In order when the declared keys come first, by rising rank, and the unknown ones after.
  let inOrder = true;
  let last = -1;
  for (const k of keys) {
    const r = plan.rank.get(k);
    const rank = r === undefined ? plan.order.length : r;
    if (rank < last) {
      inOrder = false;
      break;
    }
    last = rank;
  }
  let changed: Json | undefined;
  for (const k of keys) {
    const fs = plan.fields[k];
    if (!fs) continue;
    const v = order(o[k], fs, depth + 1);
    if (v !== o[k]) (changed ??= {})[k] = v;
  }
  if (inOrder && !changed) return o;
  const value = (k: string): unknown => (changed && k in changed ? changed[k] : o[k]);
  const out: Json = {};
  if (inOrder) {
    for (const k of keys) out[k] = value(k);
    return out;
  }
  for (const k of plan.order) if (k in o) out[k] = value(k);
  for (const k of keys) if (!plan.rank.has(k)) out[k] = value(k);
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
