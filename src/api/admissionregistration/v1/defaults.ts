// Defaulting for admissionregistration.k8s.io/v1, as upstream's SetDefaults_* for the policy kinds.
import type { MatchResources, NamedRuleWithOperations, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './types.js';

function defaultRules(rules: NamedRuleWithOperations[] | undefined): void {
  for (const r of rules ?? []) r.scope ??= '*';
}

export function defaultMatchResources(m: MatchResources): void {
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  defaultRules(m.resourceRules);
  defaultRules(m.excludeResourceRules);
}

export function defaultValidatingAdmissionPolicy(p: ValidatingAdmissionPolicy): void {
  if (!p.spec) return;
  p.spec.failurePolicy ??= 'Fail';
  if (p.spec.matchConstraints) defaultMatchResources(p.spec.matchConstraints);
}

export function defaultValidatingAdmissionPolicyBinding(b: ValidatingAdmissionPolicyBinding): void {
  if (!b.spec) return;
  if (b.spec.matchResources) defaultMatchResources(b.spec.matchResources);
  if (b.spec.paramRef) b.spec.paramRef.parameterNotFoundAction ??= 'Deny';
}
