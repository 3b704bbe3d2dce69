// Validation of PodDisruptionBudgets (k8s.io/kubernetes/pkg/apis/policy/validation).
import type { Condition } from '../../meta/types.js';
import { duplicate, type FieldError, FieldPath, invalid, notSupported, required } from '../../validation/field.js';
import { isQualifiedName, regexError } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { isNotMoreThan100Percent, nonNegative, validatePositiveIntOrPercent } from '../../apps/v1/validation-helpers.js';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from './types.js';

const unhealthyPodEvictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

export function validatePodDisruptionBudgetSpec(spec: PodDisruptionBudgetSpec, p: FieldPath = FieldPath.root('spec')): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) errs.push(invalid(p, spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const f of ['minAvailable', 'maxUnavailable'] as const) {
    if (spec[f] === undefined) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], p.child(f)), ...isNotMoreThan100Percent(spec[f], p.child(f)));
  }
  errs.push(...validateLabelSelector(spec.selector, p.child('selector')));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !unhealthyPodEvictionPolicies.includes(policy)) errs.push(notSupported(p.child('unhealthyPodEvictionPolicy'), policy, unhealthyPodEvictionPolicies));
  return errs;
}

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  return [...validateObjectMeta(pdb.metadata, true, nameIsDNSSubdomain), ...validatePodDisruptionBudgetSpec(pdb.spec ?? {})];
}

export function validatePodDisruptionBudgetUpdate(pdb: PodDisruptionBudget, old: PodDisruptionBudget): FieldError[] {
  // policy/v1 budgets are mutable: the new spec only has to be valid.
  return [...validateObjectMetaUpdate(pdb.metadata, old.metadata), ...validatePodDisruptionBudgetSpec(pdb.spec ?? {})];
}

const reasonFmt = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const reasonRe = new RegExp(`^${reasonFmt}$`);
const reasonMsg = "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";

/** metav1 Conditions as upstream's ValidateConditions checks them. */
export function validateConditions(conditions: Condition[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (conditions ?? []).forEach((c, i) => {
    const cp = p.index(i);
    for (const m of isQualifiedName(c.type ?? '')) errs.push(invalid(cp.child('type'), c.type ?? '', m));
    if (seen.has(c.type)) errs.push(duplicate(cp.child('type'), c.type));
    seen.add(c.type);
    if (!['True', 'False', 'Unknown'].includes(c.status)) errs.push(notSupported(cp.child('status'), c.status ?? '', ['False', 'True', 'Unknown']));
    errs.push(...nonNegative(c.observedGeneration, cp.child('observedGeneration')));
    if (!c.lastTransitionTime) errs.push(required(cp.child('lastTransitionTime'), 'must be set'));
    if (!c.reason) errs.push(required(cp.child('reason'), 'must be set'));
    else {
      if (!reasonRe.test(c.reason)) errs.push(invalid(cp.child('reason'), c.reason, regexError(reasonMsg, reasonFmt, 'ResourceReady', 'Resource_Ready')));
      if (c.reason.length > 1024) errs.push({ type: 'FieldValueTooLong', field: String(cp.child('reason')), badValue: c.reason, detail: 'may not be more than 1024 bytes' });
    }
    if ((c.message ?? '').length > 32768) errs.push({ type: 'FieldValueTooLong', field: String(cp.child('message')), badValue: c.message, detail: 'may not be more than 32768 bytes' });
  });
  return errs;
}

export function validatePodDisruptionBudgetStatusUpdate(pdb: PodDisruptionBudget, old: PodDisruptionBudget): FieldError[] {
  const st = pdb.status ?? {};
  const p = FieldPath.root('status');
  const errs = validateObjectMetaUpdate(pdb.metadata, old.metadata);
  for (const f of ['observedGeneration', 'disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) errs.push(...nonNegative(st[f], p.child(f)));
  errs.push(...validateConditions(st.conditions, p.child('conditions')));
  return errs;
}
