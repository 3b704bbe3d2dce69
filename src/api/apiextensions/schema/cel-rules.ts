// x-kubernetes-validations: CEL rules compiled once per CRD version and evaluated at every node
// of a custom resource that carries them, `self` bound to the node's value and, for transition
// rules, `oldSelf` to the value at the same place in the stored object (correlated through
// object fields, map keys and the keys of listType=map lists, as upstream). Failures read as
// upstream's: `spec.listeners: Invalid value: "array": <message>`.
import { CelEnvironment, compileError, type CelProgram } from '../../cel/compiler.js';
import { undefinedFieldIssues } from '../../cel/schema-check.js';
import { toCel } from '../../cel/values.js';
import { celMap, type CelInput } from '@bufbuild/cel';
import type { Schema } from '../../schema/dsl.js';
import { invalid, type FieldError, type FieldErrorType } from '../../validation/field.js';
import type { JSONSchemaProps, ValidationRule } from '../v1/types.js';
import { toDsl } from './to-dsl.js';
import { escapeSchema, escapeValue, needsEscaping } from './cel-names.js';

const env = new CelEnvironment({ variables: ['self', 'oldSelf'] });

type Json = Record<string, unknown>;

interface CompiledRule {
  rule: ValidationRule;
  program: CelProgram;
  message?: CelProgram;
  transition: boolean;
}

/** A compile failure: where the rule is, and upstream's detail. */
export interface RuleCompileError {
  index: number;
  field: 'rule' | 'messageExpression';
  detail: string;
}

function mentionsOldSelf(expr: string): boolean {
  // Quoted text aside, a reference to oldSelf makes a rule a transition rule.
  return /\boldSelf\b/.test(expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, ''));
}

/** Compiles the rules of one schema node; `dsl` types `self` for undefined-field checks. */
export function compileRules(rules: readonly ValidationRule[], dsl: Schema): { compiled: CompiledRule[]; errors: RuleCompileError[] } {
  const compiled: CompiledRule[] = [];
  const errors: RuleCompileError[] = [];
  rules.forEach((rule, index) => {
    const r = env.compile(rule.rule ?? '');
    if (r.error !== undefined) return errors.push({ index, field: 'rule', detail: r.error });
    const undefinedFields = undefinedFieldIssues(rule.rule, { self: dsl, oldSelf: dsl });
    if (undefinedFields.length) return errors.push({ index, field: 'rule', detail: compileError(rule.rule, undefinedFields) });
    let message: CelProgram | undefined;
    if (rule.messageExpression) {
      const m = env.compile(rule.messageExpression);
      if (m.error !== undefined) return errors.push({ index, field: 'messageExpression', detail: `messageExpression ${m.error}` });
      message = m.program;
    }
    compiled.push({ rule, program: r.program, message, transition: mentionsOldSelf(rule.rule) || (!!rule.messageExpression && mentionsOldSelf(rule.messageExpression)) });
  });
  return { compiled, errors };
}

/** What `self` is typed as for a node's rules: its schema with the property names escaped. */
export function celSchema(s: JSONSchemaProps, root: boolean): Schema {
  return toDsl(escapeSchema(s), root);
}

/** A schema tree with each node's compiled rules, built once per CRD version. */
export interface RuleTree {
  schema: JSONSchemaProps;
  rules: CompiledRule[];
  /** Property names below need CEL's escaping before the value is bound. */
  escape: boolean;
  properties?: Record<string, RuleTree>;
  additional?: RuleTree;
  items?: RuleTree;
}

/** The rule tree of a schema, or undefined when it has no rules at all (the common fast path). */
export function ruleTree(s: JSONSchemaProps, root = true): RuleTree | undefined {
  const own = s['x-kubernetes-validations']?.length ? compileRules(s['x-kubernetes-validations'], celSchema(s, root)).compiled : [];
  const t: RuleTree = { schema: s, rules: own, escape: own.length > 0 && needsEscaping(s) };
  let any = own.length > 0;
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    if (root && k === 'metadata') continue;
    const c = ruleTree(v, false);
    if (c) (t.properties ??= {})[k] = c;
    any ||= !!c;
  }
  if (typeof s.additionalProperties === 'object') {
    t.additional = ruleTree(s.additionalProperties, false);
    any ||= !!t.additional;
  }
  if (s.items && !Array.isArray(s.items)) {
    t.items = ruleTree(s.items, false);
    any ||= !!t.items;
  }
  return any ? t : undefined;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** Evaluates every rule on `value` (and `old`, on update); errors in upstream's form. */
export function evaluateRules(tree: RuleTree, value: unknown, old: unknown, path: string, root = true): FieldError[] {
  const errs: FieldError[] = [];
  walk(tree, value, old, path, errs, root);
  return errs;
}

/** What rules at the root see of metadata: only name and generateName, as upstream. */
function celView(value: unknown, root: boolean): unknown {
  if (!root || !isObject(value) || !isObject(value['metadata'])) return value;
  const m = value['metadata'];
  const meta: Json = {};
  if (m['name'] !== undefined) meta['name'] = m['name'];
  if (m['generateName'] !== undefined) meta['generateName'] = m['generateName'];
  return { ...value, metadata: meta };
}

function walk(t: RuleTree, v: unknown, old: unknown, path: string, errs: FieldError[], root: boolean): void {
  if (v === undefined || v === null) return;
  if (t.rules.length) {
    let self: ReturnType<typeof toCel> | undefined;
    let oldSelf: ReturnType<typeof toCel> | undefined;
    for (const r of t.rules) {
      if (r.transition && (old === undefined || old === null)) continue;
      self ??= bindOnce(toCel(t.escape ? escapeValue(t.schema, celView(v, root)) : celView(v, root)));
      const bindings: Record<string, ReturnType<typeof toCel>> = { self };
      if (r.transition) bindings['oldSelf'] = oldSelf ??= bindOnce(toCel(t.escape ? escapeValue(t.schema, celView(old, root)) : celView(old, root)));
      const out = r.program.eval(bindings);
      const at = r.rule.fieldPath ? joinFieldPath(path, r.rule.fieldPath) : path;
      const type = t.schema.type ?? (t.schema['x-kubernetes-int-or-string'] ? 'integer-or-string' : 'object');
      if ('error' in out) {
        errs.push(invalid(at, type, `rule evaluation error: ${out.error}`));
        continue;
      }
      if (out.value === true) continue;
      errs.push(ruleError(r, at, type, bindings));
    }
  }
  if (isObject(v)) {
    const oldObj = isObject(old) ? old : undefined;
    for (const [k, child] of Object.entries(v)) {
      const ct = t.properties?.[k] ?? (t.schema.properties?.[k] ? undefined : t.additional);
      if (ct) walk(ct, child, oldObj?.[k], join(path, k), errs, false);
    }
  } else if (Array.isArray(v) && t.items) {
    const keys = t.schema['x-kubernetes-list-type'] === 'map' ? (t.schema['x-kubernetes-list-map-keys'] ?? []) : undefined;
    const oldByKey = new Map<string, unknown>();
    if (keys && Array.isArray(old)) for (const o of old) if (isObject(o)) oldByKey.set(JSON.stringify(keys.map((k) => o[k] ?? null)), o);
    v.forEach((item, i) => {
      const o = keys && isObject(item) ? oldByKey.get(JSON.stringify(keys.map((k) => item[k] ?? null))) : undefined;
      walk(t.items!, item, o, `${path}[${i}]`, errs, false);
    });
  }
}

/**
 * An object bound once as a CEL map for all of a node's rules: the evaluator would otherwise
 * wrap the plain object again on every rule that reads it.
 */
function bindOnce(v: CelInput): CelInput {
  return v && typeof v === 'object' && v.constructor === Object ? (celMap(new Map(Object.entries(v))) as unknown as CelInput) : v;
}

function joinFieldPath(path: string, fieldPath: string): string {
  const rel = fieldPath.startsWith('.') ? fieldPath.slice(1) : fieldPath;
  return path ? `${path}.${rel}` : rel;
}

const REASON_TYPES: Record<string, FieldErrorType> = {
  FieldValueInvalid: 'FieldValueInvalid',
  FieldValueForbidden: 'FieldValueForbidden',
  FieldValueRequired: 'FieldValueRequired',
  FieldValueDuplicate: 'FieldValueDuplicate',
};

function ruleError(r: CompiledRule, path: string, type: string, bindings: Record<string, ReturnType<typeof toCel>>): FieldError {
  let message = r.rule.message || `failed rule: ${r.rule.rule}`;
  if (r.message) {
    const m = r.message.eval(bindings);
    if ('value' in m && typeof m.value === 'string' && m.value.trim() !== '' && !m.value.includes('\n')) message = m.value;
  }
  const errType = REASON_TYPES[r.rule.reason ?? ''] ?? 'FieldValueInvalid';
  if (errType === 'FieldValueInvalid') return invalid(path, type, message);
  return { type: errType, field: path, badValue: errType === 'FieldValueDuplicate' ? type : undefined, detail: message };
}
