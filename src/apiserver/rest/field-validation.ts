// fieldValidation=Strict|Warn|Ignore on writes: unknown fields are an error, a warning
// header, or nothing (upstream's default when the parameter is absent is Warn).
import type { KubeObject } from '../../api/meta/types.js';
import { ref } from '../../api/schema/dsl.js';
import { findUnknownFields } from '../../api/schema/unknown-fields.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

/**
 * Check an object as decoded from the request and drop its unknown fields (upstream's decoder
 * never stores them). Returns the warnings to send (Warn); throws for Strict.
 */
export function checkFields(entry: ResourceEntry, obj: KubeObject, mode: FieldValidation, schemaName = entry.def.schema, kind = entry.kind, version = entry.version): string[] {
  const unknown = findUnknownFields(obj, ref(schemaName));
  if (!unknown.length) return [];
  if (mode === 'Strict') {
    throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  pruneUnknown(obj, unknown);
  return mode === 'Warn' ? unknown.map((f) => `unknown field "${f}"`) : [];
}

/** Drop unknown fields so they are never stored (upstream's decoder drops them in every mode). */
export function pruneUnknown(obj: KubeObject, unknownPaths: readonly string[]): void {
  for (const p of unknownPaths) {
    const parts = p.replace(/\[(\d+)\]/g, '.$1').split('.');
    let cur: unknown = obj;
    for (const part of parts.slice(0, -1)) {
      if (cur === null || typeof cur !== 'object') break;
      cur = (cur as Record<string, unknown>)[part];
    }
    if (cur && typeof cur === 'object') delete (cur as Record<string, unknown>)[parts[parts.length - 1]!];
  }
}

export function warningHeader(warnings: readonly string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w)}`);
}
