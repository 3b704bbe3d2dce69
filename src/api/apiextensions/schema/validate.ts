// A custom resource checked against its structural schema, as upstream's schema validator
// (kube-openapi's validate package, its errors turned into field errors by apiextensions):
// types and formats, enums, patterns, bounds, lengths, item counts, required fields, nullable,
// x-kubernetes-int-or-string, and the logical junctors. Messages as upstream prints them:
// `spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`.
import { invalid, notSupported, required, tooLong, type FieldError } from '../../validation/field.js';
import type { JSONSchemaProps } from '../v1/types.js';
import { checkFormat } from './formats.js';
import { goRegExp } from './go-regexp.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON type name of a value, as the validator reports a mismatch. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    default: return true;
  }
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** What the validator calls a value's place: its path, or `body` at the root. */
function nameOf(path: string): string {
  return path || 'body';
}

export interface ValidateOptions {
  /** Skip metadata at the root: ObjectMeta has validation of its own. */
  root?: boolean;
}

export function validateValue(schema: JSONSchemaProps, value: unknown, path: string, opts: ValidateOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  walk(schema, value, path, errs, !!opts.root);
  return errs;
}

function walk(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[], root: boolean): void {
  const name = nameOf(path);
  if (v === null) {
    if (s.nullable || s['x-kubernetes-preserve-unknown-fields'] && !s.type) return;
    if (s.type || s['x-kubernetes-int-or-string']) {
      errs.push({ type: 'FieldValueTypeInvalid', field: path, badValue: 'null', detail: `${name} in body must be of type ${s.type || 'integer,string'}: "null"` });
    }
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) {
      errs.push({ type: 'FieldValueTypeInvalid', field: path, badValue: typeName(v), detail: `${name} in body must be of type integer,string: "${typeName(v)}"` });
      return;
    }
  } else if (s.type && !typeMatches(s.type, v)) {
    errs.push({ type: 'FieldValueTypeInvalid', field: path, badValue: typeName(v), detail: `${name} in body must be of type ${s.type}: "${typeName(v)}"` });
    return;
  }
  scalarChecks(s, v, path, name, errs);
  junctors(s, v, path, name, errs);
  if (isObject(v)) {
    const props = s.properties ?? {};
    for (const r of s.required ?? []) if (v[r] === undefined && !(root && r === 'metadata')) errs.push(required(join(path, r), ''));
    const n = Object.keys(v).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) errs.push({ type: 'FieldValueTooMany', field: path, badValue: n, detail: `must have at most ${s.maxProperties} items` });
    if (s.minProperties !== undefined && n < s.minProperties) errs.push(invalid(path, n, `${name} in body should have at least ${s.minProperties} properties`));
    for (const [k, child] of Object.entries(v)) {
      if (child === undefined) continue;
      if (root && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
      const cs = props[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (cs) walk(cs, child, join(path, k), errs, false);
    }
    if (s['x-kubernetes-embedded-resource']) embeddedChecks(v, path, errs);
  } else if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push({ type: 'FieldValueTooMany', field: path, badValue: v.length, detail: `must have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && v.length < s.minItems) errs.push(invalid(path, v.length, `${name} in body should have at least ${s.minItems} items`));
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    if (items) v.forEach((x, i) => walk(items, x, `${path}[${i}]`, errs, false));
    listInvariants(s, v, path, errs);
  }
}

function scalarChecks(s: JSONSchemaProps, v: unknown, path: string, name: string, errs: FieldError[]): void {
  if (s.enum && !s.enum.some((e) => sameJson(e, v))) {
    errs.push(notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) errs.push(tooLong(path, v, s.maxLength));
    if (s.minLength !== undefined && len < s.minLength) errs.push(invalid(path, v, `${name} in body should be at least ${s.minLength} chars long`));
    if (s.pattern) {
      const re = goRegExp(s.pattern);
      if (re instanceof RegExp && !re.test(v)) errs.push(invalid(path, v, `${name} in body should match '${s.pattern}'`));
    }
    if (s.format && !checkFormat(s.format, v)) errs.push(invalid(path, v, `${name} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
  }
  if (typeof v === 'number') {
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) errs.push(invalid(path, v, `${name} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) errs.push(invalid(path, v, `${name} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
    if (s.multipleOf !== undefined && s.multipleOf !== 0 && !Number.isInteger(v / s.multipleOf)) errs.push(invalid(path, v, `${name} in body should be a multiple of ${s.multipleOf}`));
  }
}

/** allOf, anyOf, oneOf and not: value validations that hold (or not) alongside the node's own. */
function junctors(s: JSONSchemaProps, v: unknown, path: string, name: string, errs: FieldError[]): void {
  for (const x of s.allOf ?? []) walk(x, v, path, errs, false);
  if (s.anyOf?.length && !s.anyOf.some((x) => validateValue(x, v, path).length === 0)) {
    // Upstream reports the branches' errors and then that none matched.
    const first = validateValue(s.anyOf[0]!, v, path);
    errs.push(...first);
    errs.push(invalid(path, v, `${name} in body must validate at least one schema (anyOf)`));
  }
  if (s.oneOf?.length) {
    const ok = s.oneOf.filter((x) => validateValue(x, v, path).length === 0).length;
    if (ok !== 1) errs.push(invalid(path, v, `${name} in body must validate one and only one schema (oneOf)`));
  }
  if (s.not && validateValue(s.not, v, path).length === 0) errs.push(invalid(path, v, `${name} in body must not validate the schema (not)`));
}

/** An embedded object names its kind and apiVersion (upstream's schemaobjectmeta check). */
function embeddedChecks(v: Json, path: string, errs: FieldError[]): void {
  if (!v['kind']) errs.push(required(join(path, 'kind'), 'must not be empty'));
  if (!v['apiVersion']) errs.push(required(join(path, 'apiVersion'), 'must not be empty'));
}

/** x-kubernetes-list-type set and map: no duplicate items or keys (structurallisttype). */
function listInvariants(s: JSONSchemaProps, v: unknown[], path: string, errs: FieldError[]): void {
  const type = s['x-kubernetes-list-type'];
  if (type === 'set') {
    const seen = new Set<string>();
    v.forEach((x, i) => {
      const k = JSON.stringify(x);
      if (seen.has(k)) errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, badValue: x });
      seen.add(k);
    });
  } else if (type === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    v.forEach((x, i) => {
      if (!isObject(x)) return;
      const k = JSON.stringify(keys.map((key) => x[key] ?? null));
      if (seen.has(k)) {
        const shown = Object.fromEntries(keys.filter((key) => x[key] !== undefined).map((key) => [key, x[key]]));
        errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, badValue: keys.length === 1 ? shown[keys[0]!] ?? null : shown });
      }
      seen.add(k);
    });
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
