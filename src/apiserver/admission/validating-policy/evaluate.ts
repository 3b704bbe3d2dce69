// Evaluating one compiled policy against one request (and one param): matchConditions, then the
// composited variables, then each validation, giving upstream's decisions: a validation that is
// false denies with its message; an error is a failure the policy's failurePolicy decides on.
import type { CelInput, CelValue } from '@bufbuild/cel';
import { celTypeName } from '../../../api/cel/values.js';
import { programOf, type CompiledExpression, type CompiledPolicy, type CompiledValidation } from './compiled-policy.js';

export type Decision =
  /** A validation was false; `index` is its place in spec.validations. */
  | { kind: 'deny'; message: string; reason: string; index: number }
  | { kind: 'error'; message: string; index?: number };

export interface PolicyResult {
  decisions: Decision[];
  /** auditAnnotations' values by key (a null value leaves the key out). */
  annotations: Map<string, string>;
}

type Activation = Record<string, CelInput>;

function run(e: CompiledExpression, activation: Activation): { value: CelValue } | { error: string } {
  const p = programOf(e);
  if (typeof p === 'string') return { error: p };
  return p.eval(activation);
}

/** false: skip the policy; an error decision: the conditions could not be decided; true: evaluate. */
function conditionsMatch(policy: CompiledPolicy, activation: Activation): boolean | Decision {
  let failure: Decision | undefined;
  for (const c of policy.matchConditions) {
    const r = run(c.expression, activation);
    if ('error' in r) failure ??= { kind: 'error', message: `failed to evaluate match condition '${c.name}': ${r.error}` };
    else if (r.value === false) return false;
    else if (r.value !== true) failure ??= { kind: 'error', message: `match condition '${c.name}' must evaluate to bool, got ${celTypeName(r.value)}` };
  }
  return failure ?? true;
}

/** The message of a failed validation: messageExpression's string when it gives one, else the message, else the expression. */
function denialMessage(v: CompiledValidation, activation: Activation): string {
  if (v.message) {
    const r = run(v.message, activation);
    if (!('error' in r) && typeof r.value === 'string' && r.value.trim() !== '' && !r.value.includes('\n')) return r.value;
  }
  return v.validation.message || `failed expression: ${v.validation.expression.trim()}`;
}

export function evaluatePolicy(policy: CompiledPolicy, base: Activation): PolicyResult {
  const annotations = new Map<string, string>();
  const matched = conditionsMatch(policy, base);
  if (matched === false) return { decisions: [], annotations };
  if (matched !== true) return { decisions: [matched], annotations };
  // Composited variables, each seeing those before it; a failed one fails what reads it.
  const values: Record<string, CelValue> = {};
  const failed = new Map<string, string>();
  const activation: Activation = { ...base, variables: values as unknown as CelInput };
  for (const v of policy.variables) {
    const r = run(v.expression, activation);
    if ('error' in r) failed.set(v.name, r.error);
    else values[v.name] = r.value;
  }
  const decisions: Decision[] = [];
  for (const [index, v] of policy.validations.entries()) {
    const expression = v.validation.expression;
    const program = programOf(v.expression);
    const brokenVariable = typeof program === 'string' ? undefined : [...program.variableReferences].find((n) => failed.has(n));
    if (brokenVariable) {
      decisions.push({ kind: 'error', index, message: `expression '${expression}' resulted in error: composited variable "${brokenVariable}" fails to evaluate: ${failed.get(brokenVariable)}` });
      continue;
    }
    const r = run(v.expression, activation);
    if ('error' in r) decisions.push({ kind: 'error', index, message: `expression '${expression}' resulted in error: ${r.error}` });
    else if (r.value === false) decisions.push({ kind: 'deny', index, message: denialMessage(v, activation), reason: v.validation.reason || 'Invalid' });
    else if (r.value !== true) decisions.push({ kind: 'error', index, message: `expression '${expression}' resulted in error: must evaluate to bool, got ${celTypeName(r.value)}` });
  }
  for (const a of policy.auditAnnotations) {
    const r = run(a.expression, activation);
    if ('error' in r) decisions.push({ kind: 'error', message: `valueExpression '${a.expression.expression}' resulted in error: ${r.error}` });
    else if (typeof r.value === 'string') annotations.set(a.key, r.value);
    else if (r.value !== null) decisions.push({ kind: 'error', message: `valueExpression '${a.expression.expression}' resulted in error: must evaluate to one of [string null_type], got ${celTypeName(r.value)}` });
  }
  return { decisions, annotations };
}
