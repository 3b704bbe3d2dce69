// Validation of ValidatingAdmissionPolicy and its binding (pkg/apis/admissionregistration/
// validation): the rules, selectors and enums, and every CEL expression compiled in the scope it
// will run in, a compile error refused as upstream words it (field.Invalid with cel-go's issues).
import { FieldPath, duplicate, forbidden, invalid, notSupported, path, required, type FieldError } from '../../validation/field.js';
import { isDNS1123Label, isQualifiedName } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { compilePolicyExpression, variableNames } from './cel-environment.js';
import type { MatchResources, NamedRuleWithOperations, ParamRef, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, ValidatingAdmissionPolicySpec } from './types.js';

const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];
export const MAX_MATCH_CONDITIONS = 64;
const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** A required list where '*' stands alone; `allowEmpty` for apiGroups, where "" is the core group. */
function wildcardList(values: readonly string[] | undefined, p: FieldPath, what: string, allowEmpty = false): FieldError[] {
  const errs: FieldError[] = [];
  if (!values?.length) return [required(p)];
  if (values.includes('*') && values.length > 1) errs.push(invalid(p, values, `if '*' is present, must not specify other ${what}`));
  values.forEach((v, i) => {
    if (v === '' && !allowEmpty) errs.push(required(p.index(i)));
  });
  return errs;
}

function validateResources(resources: readonly string[] | undefined, p: FieldPath): FieldError[] {
  if (!resources?.length) return [required(p)];
  const errs: FieldError[] = [];
  const subresourcesWithWildcard = new Set<string>();
  const hasWildcard = resources.includes('*');
  const hasDoubleWildcard = resources.includes('*/*');
  resources.forEach((r, i) => {
    if (r === '') {
      errs.push(required(p.index(i)));
      return;
    }
    if (hasDoubleWildcard && r !== '*/*') errs.push(invalid(p, resources, "if '*/*' is present, must not specify other resources"));
    if (hasWildcard && r !== '*') errs.push(invalid(p, resources, "if '*' is present, must not specify other resources without subresources"));
    const [res, sub, ...rest] = r.split('/');
    if (rest.length) errs.push(invalid(p.index(i), r, 'must be in the form of resource or resource/subresource'));
    if (sub !== undefined && res === '*') subresourcesWithWildcard.add(sub);
  });
  for (const [i, r] of resources.entries()) {
    const [res, sub] = r.split('/');
    if (res !== '*' && sub !== undefined && subresourcesWithWildcard.has(sub)) {
      errs.push(invalid(p.index(i), r, `if '*/${sub}' is present, must not specify ${r}`));
    }
  }
  return errs;
}

export function validateRule(rule: NamedRuleWithOperations, p: FieldPath): FieldError[] {
  const errs = [
    ...wildcardList(rule.operations, p.child('operations'), 'operations'),
    ...wildcardList(rule.apiGroups, p.child('apiGroups'), 'API groups', true),
    ...wildcardList(rule.apiVersions, p.child('apiVersions'), 'API versions'),
    ...validateResources(rule.resources, p.child('resources')),
  ];
  (rule.operations ?? []).forEach((op, i) => {
    if (op && !OPERATIONS.includes(op)) errs.push(notSupported(p.child('operations').index(i), op, OPERATIONS));
  });
  if (rule.scope !== undefined && !SCOPES.includes(rule.scope)) errs.push(notSupported(p.child('scope'), rule.scope, SCOPES));
  return errs;
}

function validateMatchResources(m: MatchResources, p: FieldPath, requireRules: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (m.matchPolicy !== undefined && m.matchPolicy !== 'Exact' && m.matchPolicy !== 'Equivalent') errs.push(notSupported(p.child('matchPolicy'), m.matchPolicy, ['Equivalent', 'Exact']));
  errs.push(...validateLabelSelector(m.namespaceSelector, p.child('namespaceSelector')));
  errs.push(...validateLabelSelector(m.objectSelector, p.child('objectSelector')));
  if (requireRules && !m.resourceRules?.length) errs.push(required(p.child('resourceRules')));
  (m.resourceRules ?? []).forEach((r, i) => errs.push(...validateRule(r, p.child('resourceRules').index(i))));
  (m.excludeResourceRules ?? []).forEach((r, i) => errs.push(...validateRule(r, p.child('excludeResourceRules').index(i))));
  return errs;
}

/** A required qualified name not already in `seen` (match condition names, audit annotation keys); adds it. */
export function uniqueQualifiedName(name: string | undefined, p: FieldPath, seen: Set<string>): FieldError[] {
  if (!name) return [required(p)];
  const errs = isQualifiedName(name).map((msg) => invalid(p, name, msg));
  if (seen.has(name)) errs.push(duplicate(p, name));
  seen.add(name);
  return errs;
}

/** A required expression that must compile in the policy's scope. */
function expressionErrors(spec: ValidatingAdmissionPolicySpec, expression: string | undefined, p: FieldPath, composited: readonly string[], what = 'expression'): FieldError[] {
  if (!expression?.trim()) return [required(p, `${what} is not specified`)];
  const c = compilePolicyExpression(spec, expression, composited);
  return c.error === undefined ? [] : [invalid(p, expression, c.error)];
}

function validateSpec(spec: ValidatingAdmissionPolicySpec | undefined, p: FieldPath): FieldError[] {
  if (!spec) return [required(p)];
  const errs: FieldError[] = [];
  if (spec.paramKind) {
    const pk = spec.paramKind;
    if (!pk.apiVersion) errs.push(required(p.child('paramKind', 'apiVersion')));
    else if (pk.apiVersion.split('/').length > 2 || pk.apiVersion.split('/').some((s) => s === '')) errs.push(invalid(p.child('paramKind', 'apiVersion'), pk.apiVersion, 'must be a valid group/version'));
    if (!pk.kind) errs.push(required(p.child('paramKind', 'kind')));
  }
  if (!spec.matchConstraints) errs.push(required(p.child('matchConstraints')));
  else errs.push(...validateMatchResources(spec.matchConstraints, p.child('matchConstraints'), true));
  if (!spec.validations?.length && !spec.auditAnnotations?.length) errs.push(required(p.child('validations'), 'validations or auditAnnotations must contain at least one item'));
  if (spec.failurePolicy !== undefined && spec.failurePolicy !== 'Fail' && spec.failurePolicy !== 'Ignore') errs.push(notSupported(p.child('failurePolicy'), spec.failurePolicy, ['Fail', 'Ignore']));

  const conditions = spec.matchConditions ?? [];
  if (conditions.length > MAX_MATCH_CONDITIONS) errs.push({ type: 'FieldValueTooMany', field: String(p.child('matchConditions')), badValue: conditions.length, detail: `must have at most ${MAX_MATCH_CONDITIONS} items` });
  const conditionNames = new Set<string>();
  conditions.forEach((c, i) => {
    const cp = p.child('matchConditions').index(i);
    errs.push(...uniqueQualifiedName(c.name, cp.child('name'), conditionNames));
    errs.push(...expressionErrors(spec, c.expression, cp.child('expression'), []));
  });

  const variables: string[] = [];
  (spec.variables ?? []).forEach((v, i) => {
    const vp = p.child('variables').index(i);
    if (!v.name) errs.push(required(vp.child('name')));
    else {
      if (!CEL_IDENTIFIER.test(v.name) || CEL_RESERVED.has(v.name)) errs.push(invalid(vp.child('name'), v.name, 'name is not a valid CEL identifier'));
      if (variables.includes(v.name)) errs.push(duplicate(vp.child('name'), v.name));
    }
    // A variable sees the ones declared before it.
    errs.push(...expressionErrors(spec, v.expression, vp.child('expression'), variables));
    if (v.name) variables.push(v.name);
  });

  const all = variableNames(spec);
  (spec.validations ?? []).forEach((v, i) => {
    const vp = p.child('validations').index(i);
    errs.push(...expressionErrors(spec, v.expression, vp.child('expression'), all));
    if (v.message !== undefined) {
      if (v.message.includes('\n')) errs.push(invalid(vp.child('message'), v.message, 'message must not contain line breaks'));
      else if (v.message.trim() === '') errs.push(required(vp.child('message'), 'message must be non-empty if specified'));
    }
    if (v.messageExpression !== undefined) errs.push(...expressionErrors(spec, v.messageExpression, vp.child('messageExpression'), all, 'messageExpression'));
    if (v.reason !== undefined && !REASONS.includes(v.reason)) errs.push(notSupported(vp.child('reason'), v.reason, REASONS));
  });

  const keys = new Set<string>();
  (spec.auditAnnotations ?? []).forEach((a, i) => {
    const ap = p.child('auditAnnotations').index(i);
    errs.push(...uniqueQualifiedName(a.key, ap.child('key'), keys));
    errs.push(...expressionErrors(spec, a.valueExpression, ap.child('valueExpression'), all, 'valueExpression'));
  });
  return errs;
}

export function validateValidatingAdmissionPolicy(p: ValidatingAdmissionPolicy): FieldError[] {
  return [...validateObjectMeta(p.metadata, false, nameIsDNSSubdomain), ...validateSpec(p.spec, path('spec'))];
}

export function validateValidatingAdmissionPolicyUpdate(p: ValidatingAdmissionPolicy, old: ValidatingAdmissionPolicy): FieldError[] {
  return [...validateObjectMetaUpdate(p.metadata, old.metadata), ...validateSpec(p.spec, path('spec'))];
}

function validateParamRef(ref: ParamRef, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.name && ref.selector) errs.push(forbidden(p.child('name'), 'name and selector are mutually exclusive'));
  if (!ref.name && !ref.selector) errs.push(required(p, 'one of name or selector must be specified'));
  if (ref.name) for (const msg of nameIsDNSSubdomain(ref.name, false)) errs.push(invalid(p.child('name'), ref.name, msg));
  if (ref.namespace) for (const msg of isDNS1123Label(ref.namespace)) errs.push(invalid(p.child('namespace'), ref.namespace, msg));
  errs.push(...validateLabelSelector(ref.selector, p.child('selector')));
  const action = ref.parameterNotFoundAction;
  if (action === undefined) errs.push(required(p.child('parameterNotFoundAction')));
  else if (action !== 'Allow' && action !== 'Deny') errs.push(notSupported(p.child('parameterNotFoundAction'), action, ['Allow', 'Deny']));
  return errs;
}

function validateBindingSpec(b: ValidatingAdmissionPolicyBinding): FieldError[] {
  const p = path('spec');
  const spec = b.spec;
  if (!spec) return [required(p)];
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push(required(p.child('policyName')));
  else for (const msg of nameIsDNSSubdomain(spec.policyName, false)) errs.push(invalid(p.child('policyName'), spec.policyName, msg));
  if (spec.paramRef) errs.push(...validateParamRef(spec.paramRef, p.child('paramRef')));
  if (spec.matchResources) errs.push(...validateMatchResources(spec.matchResources, p.child('matchResources'), false));
  const actions = spec.validationActions ?? [];
  if (!actions.length) errs.push(required(p.child('validationActions')));
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    const ap = p.child('validationActions').index(i);
    if (seen.has(a)) errs.push(duplicate(ap, a));
    seen.add(a);
    if (a !== 'Deny' && a !== 'Warn' && a !== 'Audit') errs.push(notSupported(ap, a, ['Audit', 'Deny', 'Warn']));
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(invalid(p.child('validationActions'), actions, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  }
  return errs;
}

export function validateValidatingAdmissionPolicyBinding(b: ValidatingAdmissionPolicyBinding): FieldError[] {
  return [...validateObjectMeta(b.metadata, false, nameIsDNSSubdomain), ...validateBindingSpec(b)];
}

export function validateValidatingAdmissionPolicyBindingUpdate(b: ValidatingAdmissionPolicyBinding, old: ValidatingAdmissionPolicyBinding): FieldError[] {
  return [...validateObjectMetaUpdate(b.metadata, old.metadata), ...validateBindingSpec(b)];
}
