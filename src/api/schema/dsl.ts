// The one description of every served type. From it come: unknown-field detection
// (fieldValidation=Strict), strategic-merge-patch merge keys and strategies, and the
// OpenAPI v2/v3 documents (and so `kubectl explain`). Types are named as upstream's
// OpenAPI definitions are ("io.k8s.api.core.v1.PodSpec") so generated documents line up.

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

interface Common {
  description?: string;
}

export interface StringSchema extends Common {
  type: 'string';
  /** OpenAPI format: 'date-time', 'byte', 'int-or-string', 'quantity' … */
  format?: string;
  enum?: readonly string[];
}
export interface IntegerSchema extends Common {
  type: 'integer';
  format?: 'int32' | 'int64';
}
export interface NumberSchema extends Common {
  type: 'number';
  format?: 'double';
}
export interface BooleanSchema extends Common {
  type: 'boolean';
}
/** An object with known fields. */
export interface ObjectSchema extends Common {
  type: 'object';
  properties: Record<string, Schema>;
  required?: readonly string[];
  /** Patch strategy of the object itself, e.g. 'retainKeys' for DeploymentStrategy. */
  patchStrategy?: PatchStrategy;
  /** Map type: 'atomic' objects are replaced whole by SMP and SSA. */
  mapType?: 'atomic' | 'granular';
  /** Fields beyond `properties` are kept, not unknown (a CRD's x-kubernetes-preserve-unknown-fields). */
  preserveUnknownFields?: boolean;
  /** Fields are written sorted by name, as upstream writes a custom resource (a Go map), not in declared order. */
  sortedFields?: boolean;
}
/** map[string]T */
export interface MapSchema extends Common {
  type: 'map';
  values: Schema;
}
export interface ArraySchema extends Common {
  type: 'array';
  items: Schema;
  /** x-kubernetes-patch-strategy */
  patchStrategy?: PatchStrategy;
  /** x-kubernetes-patch-merge-key */
  patchMergeKey?: string;
  /** x-kubernetes-list-type */
  listType?: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys */
  listMapKeys?: readonly string[];
}
/** A named definition, resolved lazily so definitions may refer to each other in any order. */
export interface RefSchema extends Common {
  type: 'ref';
  ref: string;
}
/** Arbitrary JSON (RawExtension, JSON). No unknown-field checks below it. */
export interface AnySchema extends Common {
  type: 'any';
}

export type Schema = StringSchema | IntegerSchema | NumberSchema | BooleanSchema | ObjectSchema | MapSchema | ArraySchema | RefSchema | AnySchema;

// ---- builders -------------------------------------------------------------------------
// Each takes an optional description first-class, so schema files read as a field list.

export const str = (description?: string, extra: Omit<StringSchema, 'type' | 'description'> = {}): StringSchema => ({ type: 'string', description, ...extra });
export const enumOf = (values: readonly string[], description?: string): StringSchema => ({ type: 'string', enum: values, description });
export const int32 = (description?: string): IntegerSchema => ({ type: 'integer', format: 'int32', description });
export const int64 = (description?: string): IntegerSchema => ({ type: 'integer', format: 'int64', description });
export const num = (description?: string): NumberSchema => ({ type: 'number', format: 'double', description });
export const bool = (description?: string): BooleanSchema => ({ type: 'boolean', description });
export const time = (description?: string): RefSchema => ({ type: 'ref', ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time', description });
export const quantity = (description?: string): RefSchema => ({ type: 'ref', ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity', description });
export const intOrString = (description?: string): RefSchema => ({ type: 'ref', ref: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString', description });
export const any = (description?: string): AnySchema => ({ type: 'any', description });
export const ref = (name: string, description?: string): RefSchema => ({ type: 'ref', ref: name, description });
export const mapOf = (values: Schema, description?: string): MapSchema => ({ type: 'map', values, description });
export const strMap = (description?: string): MapSchema => ({ type: 'map', values: { type: 'string' }, description });
export function obj(properties: Record<string, Schema>, opts: Omit<ObjectSchema, 'type' | 'properties'> = {}): ObjectSchema {
  return { type: 'object', properties, ...opts };
}
export function arr(items: Schema, opts: Omit<ArraySchema, 'type' | 'items'> = {}): ArraySchema {
  return { type: 'array', items, ...opts };
}
/** A list merged by key under strategic merge patch and server-side apply (listType=map). */
export function keyedList(items: Schema, key: string, description?: string, extra: Omit<ArraySchema, 'type' | 'items'> = {}): ArraySchema {
  return { type: 'array', items, patchStrategy: 'merge', patchMergeKey: key, listType: 'map', listMapKeys: [key], description, ...extra };
}
/** A list of scalars merged as a set (finalizers). */
export function setList(items: Schema, description?: string): ArraySchema {
  return { type: 'array', items, patchStrategy: 'merge', listType: 'set', description };
}

// ---- the definitions registry ---------------------------------------------------------

const definitions = new Map<string, ObjectSchema | Schema>();

/** Register a named definition. Re-registering a name is a programming error. */
export function define(name: string, schema: Schema): RefSchema {
  if (definitions.has(name)) throw new Error(`schema ${name} defined twice`);
  definitions.set(name, schema);
  return { type: 'ref', ref: name };
}

/**
 * Register or replace a definition made at run time (a served CRD version's schema). Callers
 * name these uniquely per server, so replacing one never changes another server's kind.
 */
export function defineDynamic(name: string, schema: Schema): RefSchema {
  definitions.set(name, schema);
  return { type: 'ref', ref: name };
}

/** Forget a run-time definition (a CRD no longer served). */
export function undefine(name: string): void {
  definitions.delete(name);
}

export function lookupDefinition(name: string): Schema | undefined {
  return definitions.get(name);
}

export function allDefinitions(): ReadonlyMap<string, Schema> {
  return definitions;
}

/** Follow refs until a concrete schema; description of the outermost ref wins. */
export function resolve(s: Schema): Exclude<Schema, RefSchema> {
  let cur: Schema = s;
  for (let depth = 0; cur.type === 'ref'; depth++) {
    const next = definitions.get(cur.ref);
    if (!next) throw new Error(`schema ${cur.ref} is not defined`);
    if (depth > 32) throw new Error(`schema ${cur.ref} refers to itself`);
    cur = next;
  }
  return cur;
}

/** The schema of a field below an object/map/array schema, or undefined when unknown. */
export function fieldSchema(parent: Schema, field: string): Schema | undefined {
  const p = resolve(parent);
  if (p.type === 'object') return p.properties[field];
  if (p.type === 'map') return p.values;
  if (p.type === 'any') return p;
  return undefined;
}
