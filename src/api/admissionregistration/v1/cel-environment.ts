// The CEL environments of ValidatingAdmissionPolicy expressions: object, oldObject, request,
// namespaceObject and the composited `variables`, plus `params` when the policy has a paramKind
// (upstream leaves `params` undeclared otherwise, so using it fails to compile). The admission
// plugin evaluates with the same environments the API validated with.
import { CelEnvironment, type CompileResult } from '../../cel/compiler.js';
import type { ValidatingAdmissionPolicySpec } from './types.js';

const BASE = ['object', 'oldObject', 'request', 'namespaceObject', 'variables'];
const withParams = new CelEnvironment({ variables: [...BASE, 'params'] });
const withoutParams = new CelEnvironment({ variables: BASE });

export function policyEnvironment(spec: ValidatingAdmissionPolicySpec | undefined): CelEnvironment {
  return spec?.paramKind ? withParams : withoutParams;
}

/** The names `variables.<name>` may use in the policy's validations and messages. */
export function variableNames(spec: ValidatingAdmissionPolicySpec | undefined): string[] {
  return (spec?.variables ?? []).map((v) => v.name);
}

/** Compiles one of the policy's expressions in the scope it has (see validation.ts for which). */
export function compilePolicyExpression(spec: ValidatingAdmissionPolicySpec | undefined, expression: string, composited: readonly string[]): CompileResult {
  return policyEnvironment(spec).compile(expression, composited);
}

/**
 * A webhook's matchConditions see the request and its objects and an authorizer (declared so
 * expressions naming it compile; k8ts binds it to null, see docs/webhooks.md).
 */
export const webhookMatchConditionEnvironment = new CelEnvironment({ variables: ['object', 'oldObject', 'request', 'authorizer'] });
