// A ValidatingAdmissionPolicy compiled for evaluation: each expression's program (or its compile
// error), in the CEL environment the API validated it with. Compiled once per stored revision.
import { compilePolicyExpression, variableNames } from '../../../api/admissionregistration/v1/cel-environment.js';
import type { FailurePolicy, ValidatingAdmissionPolicy, Validation } from '../../../api/admissionregistration/v1/types.js';
import type { CelProgram, CompileResult } from '../../../api/cel/compiler.js';

export interface CompiledExpression {
  expression: string;
  result: CompileResult;
}

export interface CompiledValidation {
  validation: Validation;
  expression: CompiledExpression;
  message?: CompiledExpression;
}

export interface CompiledPolicy {
  name: string;
  failurePolicy: FailurePolicy;
  hasParams: boolean;
  matchConditions: { name: string; expression: CompiledExpression }[];
  variables: { name: string; expression: CompiledExpression }[];
  validations: CompiledValidation[];
  auditAnnotations: { key: string; expression: CompiledExpression }[];
}

const compiled = new WeakMap<ValidatingAdmissionPolicy, CompiledPolicy>();

/** The policy compiled; cached per object, and the watch cache holds one object per revision. */
export function compilePolicy(policy: ValidatingAdmissionPolicy): CompiledPolicy {
  let c = compiled.get(policy);
  if (c) return c;
  const spec = policy.spec ?? {};
  const names = variableNames(spec);
  const expr = (expression: string, composited: readonly string[]): CompiledExpression => ({ expression, result: compilePolicyExpression(spec, expression, composited) });
  c = {
    name: policy.metadata.name ?? '',
    failurePolicy: spec.failurePolicy ?? 'Fail',
    hasParams: !!spec.paramKind,
    matchConditions: (spec.matchConditions ?? []).map((m) => ({ name: m.name, expression: expr(m.expression, []) })),
    variables: (spec.variables ?? []).map((v, i) => ({ name: v.name, expression: expr(v.expression, names.slice(0, i)) })),
    validations: (spec.validations ?? []).map((v) => ({
      validation: v,
      expression: expr(v.expression, names),
      message: v.messageExpression ? expr(v.messageExpression, names) : undefined,
    })),
    auditAnnotations: (spec.auditAnnotations ?? []).map((a) => ({ key: a.key, expression: expr(a.valueExpression, names) })),
  };
  compiled.set(policy, c);
  return c;
}

export function programOf(e: CompiledExpression): CelProgram | string {
  return e.result.program ?? e.result.error;
}
