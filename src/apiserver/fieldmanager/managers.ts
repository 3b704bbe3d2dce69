// metadata.managedFields in and out: entries decoded into managers with field sets, encoded
// back in upstream's order (Apply entries first, then oldest to newest). A manager is
// identified as upstream does: name, operation and subresource, plus the API version for
// Update entries (an applier keeps one entry across versions).
import type { ManagedFieldsEntry } from '../../api/meta/types.js';
import { decodeFieldsV1, encodeFieldsV1, type PathSet } from './path-set.js';
import { isObject } from './typed.js';

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: PathSet;
}

export function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

/** Decode entries; undefined when any entry is malformed (upstream then ignores the whole list). */
export function decodeManagers(entries: readonly ManagedFieldsEntry[] | undefined): Manager[] | undefined {
  const out = new Map<string, Manager>();
  for (const e of entries ?? []) {
    if (!e || typeof e !== 'object' || e.fieldsType !== 'FieldsV1') return undefined;
    if (e.fieldsV1 !== undefined && !isObject(e.fieldsV1)) return undefined;
    if (e.operation !== 'Apply' && e.operation !== 'Update') return undefined;
    const m: Manager = { manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion ?? '', set: decodeFieldsV1(e.fieldsV1 ?? {}) };
    if (e.subresource) m.subresource = e.subresource;
    if (e.time) m.time = e.time;
    out.set(managerId(m), m);
  }
  return [...out.values()];
}

/** Entries for the object, empty managers dropped; undefined when none is left. */
export function encodeManagers(managers: readonly Manager[]): ManagedFieldsEntry[] | undefined {
  const entries: ManagedFieldsEntry[] = managers
    .filter((m) => m.set.size > 0)
    .map((m) => {
      const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
      if (m.time) e.time = m.time;
      e.fieldsType = 'FieldsV1';
      e.fieldsV1 = encodeFieldsV1(m.set);
      if (m.subresource) e.subresource = m.subresource;
      return e;
    });
  sortManagedFields(entries);
  return entries.length ? entries : undefined;
}

/** Upstream's order: operation (Apply before Update), then time, manager, apiVersion, subresource. */
export function sortManagedFields(entries: ManagedFieldsEntry[]): void {
  const cmp = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  const seconds = (t: string | undefined) => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
  entries.sort((a, b) => cmp(a.operation, b.operation) || seconds(a.time) - seconds(b.time) || cmp(a.manager, b.manager) || cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource, b.subresource));
}

/** How conflict messages name a manager: "name", plus subresource, plus "using <version>" for updaters. */
export function describeManager(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}
