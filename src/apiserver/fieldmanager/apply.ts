// Server-side apply on one object, as structured-merge-diff's Updater.Apply: merge the applied
// configuration into the live object, remove what this applier stopped applying (unless someone
// else owns it), then settle ownership: the applier owns exactly what it applied, other managers
// lose what was removed, and a value changed under another manager is a conflict unless forced.
import type { KubeObject } from '../../api/meta/types.js';
import type { Schema } from '../../api/schema/dsl.js';
import { deepEqual } from './equality.js';
import { appliedSetOf } from './applied-set.js';
import { compareObjects } from './compare.js';
import { decodeManagers, describeManager, encodeManagers, managerId, type Manager } from './managers.js';
import { mergeApplied } from './merge.js';
import { difference, formatPath, intersection, keyOf, pathOf, union, type PathSet } from './path-set.js';
import { pruneUnapplied } from './prune.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Server-set fields no manager ever owns (upstream's stripMetaManager). */
const UNOWNED = [['f:apiVersion'], ['f:kind'], ['f:metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'generation', 'managedFields', 'resourceVersion', 'generateName', 'deletionTimestamp', 'deletionGracePeriodSeconds'].map((f) => ['f:metadata', `f:${f}`])].map(keyOf);

export interface ApplyInput {
  /** The current object (served version); undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration, already checked for apiVersion, kind and managedFields. */
  config: Record<string, unknown>;
  schema: Schema;
  manager: string;
  /** The served apiVersion, recorded on the manager's entry. */
  apiVersion: string;
  force: boolean;
  time: string;
  /** Fields the write path resets (status on the main resource): neither owned nor compared. */
  resetPrefixes?: readonly (readonly string[])[];
}

export interface Conflict {
  manager: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>;
  path: string[];
}

/** The applied configuration does not fit the type (smd's "failed to create typed patch object"). */
export class ApplyTypeError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : ['errors:', ...problems.map((p) => `  ${p}`)].join('\n'));
  }
}

export class ApplyConflictError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflictMessage(conflicts));
  }
}

/**
 * Apply `config` for `manager`. Returns the object to write, with managedFields set; throws
 * ApplyTypeError or ApplyConflictError.
 */
export function applyConfig(input: ApplyInput): KubeObject {
  try {
    return applyOnce(input);
  } catch (err) {
    if (!(err instanceof ApplyConflictError) || input.manager !== 'kubectl' || !input.live) throw err;
    // kubectl moving an object from client-side to server-side apply: conflicts over fields its
    // last-applied annotation still describes accurately are its own (upstream's lastAppliedManager).
    const allowed = fieldsStillAsLastApplied(input.live, input.schema);
    const remaining = err.conflicts.filter((c) => !allowed.has(keyOf(c.path)));
    if (remaining.length) throw remaining.length === err.conflicts.length ? err : new ApplyConflictError(remaining);
    return applyOnce({ ...input, force: true });
  }
}

/** Fields of the last client-side applied configuration whose live value is still the applied one. */
function fieldsStillAsLastApplied(live: KubeObject, schema: Schema): PathSet {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return new Set();
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return new Set();
  }
  if (!last || typeof last !== 'object' || Array.isArray(last)) return new Set();
  const applied = appliedSetOf(last as Record<string, unknown>, schema);
  if (applied.errors.length) return new Set();
  const { managedFields: _mf, ...meta } = live.metadata;
  const cmp = compareObjects(last, { ...live, metadata: meta }, schema);
  return difference(applied.set, union(cmp.added, cmp.modified, cmp.removed));
}

function applyOnce(input: ApplyInput): KubeObject {
  const { config, schema, manager } = input;
  const applied = appliedSetOf(config, schema);
  if (applied.errors.length) throw new ApplyTypeError(applied.errors);
  const ignored = (k: string) => UNOWNED.includes(k) || isReset(k, input.resetPrefixes);
  const newSet = new Set([...applied.set].filter((k) => !ignored(k)));

  const liveBody: Record<string, unknown> = input.live ? structuredClone(input.live) : {};
  const liveMeta = (liveBody['metadata'] ?? {}) as KubeObject['metadata'];
  const managers = decodeManagers(liveMeta.managedFields) ?? [];
  delete liveMeta.managedFields;

  const merged = mergeApplied(liveBody, config, schema) as Record<string, unknown>;
  const meId = managerId({ manager, operation: 'Apply', apiVersion: input.apiVersion });
  let me = managers.find((m) => managerId(m) === meId);
  const lastSet: PathSet = me ? me.set : new Set();
  const isNew = !me;
  if (!me) managers.push((me = { manager, operation: 'Apply', apiVersion: input.apiVersion, set: newSet }));
  me.apiVersion = input.apiVersion;
  me.set = newSet;

  const pruned = pruneUnapplied(merged, schema, lastSet, union(...managers.map((m) => m.set)));
  const cmp = compareObjects(liveBody, pruned, schema);
  const changed = new Set([...union(cmp.added, cmp.modified)].filter((k) => !ignored(k)));
  const removed = new Set([...cmp.removed].filter((k) => !ignored(k)));

  const conflicts: Conflict[] = [];
  for (const m of managers) {
    if (m === me) continue;
    for (const k of intersection(m.set, changed)) conflicts.push({ manager: m, path: pathOf(k) });
  }
  if (conflicts.length && !input.force) throw new ApplyConflictError(sortConflicts(conflicts));
  for (const m of managers) {
    if (m === me) continue;
    m.set = difference(difference(m.set, changed), removed);
  }

  const out = pruned as KubeObject;
  out.metadata ??= {};
  // The live revision is not a precondition unless the configuration names one.
  const wantedRv = (config['metadata'] as KubeObject['metadata'] | undefined)?.resourceVersion;
  if (wantedRv) out.metadata.resourceVersion = wantedRv;
  else delete out.metadata.resourceVersion;
  if (isNew || !deepEqual(withoutRv(liveBody), withoutRv(out))) me.time = input.time;
  const entries = encodeManagers(managers);
  if (entries) out.metadata.managedFields = entries;
  else delete out.metadata.managedFields;
  syncLastApplied(out, config, manager);
  return out;
}

function sortConflicts(conflicts: Conflict[]): Conflict[] {
  const label = (c: Conflict) => `${describeManager(c.manager)}\u0000${formatPath(c.path)}`;
  return conflicts.sort((a, b) => (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
}

function withoutRv(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = { ...((obj['metadata'] as Record<string, unknown> | undefined) ?? {}) };
  delete meta['resourceVersion'];
  return { ...obj, metadata: meta };
}

function isReset(key: string, prefixes: ApplyInput['resetPrefixes']): boolean {
  if (!prefixes?.length) return false;
  const p = pathOf(key);
  return prefixes.some((prefix) => prefix.every((el, i) => p[i] === el));
}

/**
 * kubectl's server-side apply keeps a client-side apply annotation current, so that going back
 * to client-side apply later diffs against what was really applied (upstream's lastAppliedUpdater).
 */
function syncLastApplied(obj: KubeObject, config: Record<string, unknown>, manager: string): void {
  const annotations = obj.metadata.annotations;
  if (manager !== 'kubectl' || !annotations || annotations[LAST_APPLIED_ANNOTATION] === undefined) return;
  const copy = structuredClone(config);
  const meta = copy['metadata'] as KubeObject['metadata'] | undefined;
  if (meta?.annotations) {
    delete meta.annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  annotations[LAST_APPLIED_ANNOTATION] = JSON.stringify(copy);
}

/** Upstream's wording: one conflict inline, several grouped by manager. */
export function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${describeManager(c.manager)}: ${formatPath(c.path)}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const name = describeManager(c.manager);
    byManager.set(name, [...(byManager.get(name) ?? []), formatPath(c.path)]);
  }
  const lines: string[] = [];
  for (const name of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${name}:`);
    for (const p of byManager.get(name)!.sort()) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The Status causes upstream attaches to an apply conflict. */
export function conflictCauses(conflicts: readonly Conflict[]): { reason: string; message: string; field: string }[] {
  return conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(c.manager)}`, field: formatPath(c.path) }));
}
