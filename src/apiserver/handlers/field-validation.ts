// fieldValidation=Strict|Warn|Ignore on writes: unknown and duplicate fields are an error, a
// warning header, or nothing (upstream's default when the parameter is absent is Warn).
// Unknown fields are dropped in every mode, as upstream's decoder never stores them.
import type { KubeObject } from '../../api/meta/types.js';
import { ref } from '../../api/schema/dsl.js';
import { findUnknownFields } from '../../api/schema/unknown-fields.js';
import { invalid } from '../../api/validation/field.js';
import { errors } from '../errors.js';
import { decodingStrictErrors } from '../http/body.js';
import type { PatchType } from '../patch/index.js';
import type { ResourceEntry } from '../registry/entry.js';
import { goPrint } from './go-print.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

const JSON_PATCH_OP_FIELDS = new Set(['op', 'path', 'from', 'value']);

function unknownOf(obj: KubeObject, schemaName: string): string[] {
  return findUnknownFields(obj, ref(schemaName));
}

/**
 * Check an object as decoded from a create or update body and drop its unknown fields.
 * Returns the warnings to send (Warn); throws for Strict, worded as upstream's strict decoder:
 * `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: …`.
 */
export function checkFields(entry: ResourceEntry, obj: KubeObject, mode: FieldValidation, schemaName = entry.def.schema, kind = entry.kind, version = entry.version): string[] {
  if (mode === 'Ignore') {
    pruneUnknown(obj, unknownOf(obj, schemaName));
    return [];
  }
  const unknown = unknownOf(obj, schemaName);
  // The typed decode reports unknown fields; the YAML or duplicate-key check comes after it.
  const problems = [...unknown.map((f) => `unknown field "${f}"`), ...decodingStrictErrors(obj)];
  if (!problems.length) return [];
  if (mode === 'Strict') {
    throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`);
  }
  pruneUnknown(obj, unknown);
  return problems;
}

/**
 * Check the result of a json, merge or strategic merge patch, as upstream's patch handler:
 * duplicate keys in the patch body first, then unknown fields of the patched object. Strict
 * rejects with 422 `patch: Invalid value: "<patch>": strict decoding error: …`, where the value
 * is the patch map (strategic merge, printed as Go prints a map) or the patched object (json
 * and merge patch), since that is what kubectl shows users.
 */
export function checkPatchedFields(entry: ResourceEntry, patched: KubeObject, mode: FieldValidation, type: PatchType, patch: unknown): string[] {
  const unknown = unknownOf(patched, entry.def.schema);
  if (mode === 'Ignore') {
    pruneUnknown(patched, unknown);
    return [];
  }
  const fromPatch = type === 'application/json-patch+json' ? jsonPatchStrictErrors(patch) : [...decodingStrictErrors(patch)];
  const problems = [...fromPatch, ...unknown.map((f) => `unknown field "${f}"`)];
  if (!problems.length) return [];
  if (mode === 'Strict') {
    const shown = type === 'application/strategic-merge-patch+json' ? goPrint(patch) : JSON.stringify(patched);
    // Upstream builds this with an empty kind and name (the message reads ` "" is invalid: …`),
    // so the details carry only the cause.
    const e = errors.invalid({ group: '', resource: '', kind: '' }, '', [invalid('patch', shown, `strict decoding error: ${problems.join(', ')}`)]);
    e.status.details = { causes: e.status.details?.causes };
    throw e;
  }
  pruneUnknown(patched, unknown);
  return problems;
}

/** A JSON patch's operations may carry only op, path, from and value. */
function jsonPatchStrictErrors(patch: unknown): string[] {
  const out = decodingStrictErrors(patch).map((e) => `json patch ${e}`);
  if (!Array.isArray(patch)) return out;
  patch.forEach((op, i) => {
    if (!op || typeof op !== 'object' || Array.isArray(op)) return;
    for (const k of Object.keys(op)) if (!JSON_PATCH_OP_FIELDS.has(k)) out.push(`json patch unknown field "[${i}].${k}"`);
  });
  return out;
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

/**
 * Warning header values as upstream writes them: `299 - "text"` with only `"` and `\` escaped.
 * Line breaks become spaces (Go's header writer does the same) and the text travels as UTF-8.
 */
export function warningHeader(warnings: readonly string[]): string[] {
  return warnings.map((w) => {
    const text = w.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ' ');
    const quoted = `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    return `299 - ${Buffer.from(quoted, 'utf8').toString('latin1')}`;
  });
}
