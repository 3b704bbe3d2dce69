// Records who changed which fields (metadata.managedFields) on every write, as upstream's
// field manager does for Update operations: the writer gains the fields it changed, and every
// other manager loses them.
import type { KubeObject, ManagedFieldsEntry } from '../../api/meta/types.js';
import type { Schema } from '../../api/schema/dsl.js';
import { deepEqual } from './equality.js';
import { fieldSetOf, fieldsTreeOf, fromFieldsV1, toFieldsV1, valueAt, type FieldPathKey } from './fieldset.js';
import { decodeManagers, sortManagedFields } from './managers.js';

/** Fields no manager owns: server-set identity and bookkeeping. */
const SYSTEM_FIELDS = ['f:apiVersion', 'f:kind'];
const SYSTEM_META = new Set(['f:name', 'f:namespace', 'f:uid', 'f:resourceVersion', 'f:generation', 'f:creationTimestamp', 'f:deletionTimestamp', 'f:deletionGracePeriodSeconds', 'f:managedFields', 'f:selfLink', 'f:generateName']);

function owned(path: string[], subresource: string | undefined): boolean {
  if (SYSTEM_FIELDS.includes(path[0]!)) return false;
  if (path[0] === 'f:metadata' && (path.length === 1 || SYSTEM_META.has(path[1]!))) return false;
  // Status is written only through the status subresource, spec only through the main resource.
  const isStatus = path[0] === 'f:status';
  return subresource === 'status' ? isStatus : !isStatus;
}

function managedSet(obj: KubeObject, schema: Schema | undefined, subresource: string | undefined): Set<FieldPathKey> {
  const all = fieldSetOf(obj, schema);
  const out = new Set<FieldPathKey>();
  for (const p of all) if (owned(JSON.parse(p) as string[], subresource)) out.add(p);
  return out;
}

export interface UpdateRecord {
  manager: string;
  apiVersion: string;
  subresource?: string;
  time: string;
}

/**
 * Set newObj.metadata.managedFields for an Update by `manager`, given the object before the
 * write (undefined on create).
 */
export function recordUpdate(newObj: KubeObject, oldObj: KubeObject | undefined, schema: Schema | undefined, rec: UpdateRecord): void {
  if (!oldObj) return recordCreate(newObj, schema, rec);
  const entries: ManagedFieldsEntry[] = baseEntries(newObj, oldObj, rec.subresource).map((e) => ({ ...e }));
  const after = managedSet(newObj, schema, rec.subresource);
  const before = oldObj ? managedSet(oldObj, schema, rec.subresource) : new Set<FieldPathKey>();
  const changed = new Set<FieldPathKey>();
  for (const p of after) {
    if (!before.has(p)) changed.add(p);
    else {
      const path = JSON.parse(p) as string[];
      if (path[path.length - 1] !== '.' && !deepEqual(valueAt(newObj, path), valueAt(oldObj, path))) changed.add(p);
    }
  }
  const removed = new Set<FieldPathKey>();
  for (const p of before) if (!after.has(p)) removed.add(p);

  const kept: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const e of entries) {
    const isMine = e.manager === rec.manager && e.operation === 'Update' && (e.subresource ?? '') === (rec.subresource ?? '') && e.apiVersion === rec.apiVersion;
    const set = fromFieldsV1(e.fieldsV1 ?? {});
    for (const p of removed) set.delete(p);
    if (isMine) {
      mine = e;
      for (const p of changed) set.add(p);
    } else {
      for (const p of changed) set.delete(p);
    }
    if (set.size === 0 && !isMine) continue;
    e.fieldsV1 = toFieldsV1(set);
    kept.push(e);
  }
  if (!mine && changed.size > 0) {
    mine = { manager: rec.manager, operation: 'Update', apiVersion: rec.apiVersion, time: rec.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(changed) };
    if (rec.subresource) mine.subresource = rec.subresource;
    kept.push(mine);
  } else if (mine && changed.size > 0) {
    mine.time = rec.time;
  }
  const final = kept.filter((e) => e !== mine || Object.keys(e.fieldsV1 ?? {}).length > 0);
  sortManagedFields(final);
  if (final.length) newObj.metadata.managedFields = final;
  else delete newObj.metadata.managedFields;
}

/**
 * The ownership an update starts from. A client may set managedFields itself (kubectl does, to
 * move client-side apply ownership to server-side apply): well-formed entries are taken as
 * given, `[]` or `[{}]` clears them, and anything else (absent, malformed, or a subresource
 * write) keeps the stored ones, as upstream's decodeLiveOrNew.
 */
function baseEntries(newObj: KubeObject, oldObj: KubeObject, subresource: string | undefined): ManagedFieldsEntry[] {
  const stored = oldObj.metadata.managedFields ?? [];
  const given = newObj.metadata.managedFields;
  if (subresource || !Array.isArray(given)) return stored;
  if (given.length === 0 || (given.length === 1 && Object.keys(given[0] ?? {}).length === 0)) return [];
  return decodeManagers(given) ? given : stored;
}

/** Drop what no manager owns from a whole-object tree (the tree form of `owned`). */
function ownedTree(tree: Record<string, unknown>, subresource: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tree)) {
    // metadata itself is never owned, but its labels and annotations are (kubectl finds its
    // client-side apply managers by who owns the last-applied annotation).
    if (!owned(k === 'f:metadata' ? [k, 'f:labels'] : [k], subresource)) continue;
    if (k === 'f:metadata') {
      const meta: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) if (!SYSTEM_META.has(mk)) meta[mk] = mv;
      if (Object.keys(meta).length) out[k] = meta;
    } else out[k] = v;
  }
  return out;
}

/** A created object: its creator owns every field it set. */
function recordCreate(obj: KubeObject, schema: Schema | undefined, rec: UpdateRecord): void {
  const tree = ownedTree(fieldsTreeOf(obj, schema), rec.subresource);
  if (!Object.keys(tree).length) {
    delete obj.metadata.managedFields;
    return;
  }
  const entry: ManagedFieldsEntry = { manager: rec.manager, operation: 'Update', apiVersion: rec.apiVersion, time: rec.time, fieldsType: 'FieldsV1', fieldsV1: tree };
  if (rec.subresource) entry.subresource = rec.subresource;
  obj.metadata.managedFields = [entry];
}

/** Upstream's default manager name when the client gives none: the user agent up to its first '/'. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown';
  const slash = userAgent.indexOf('/');
  return (slash >= 0 ? userAgent.slice(0, slash) : userAgent).slice(0, 128) || 'unknown';
}
