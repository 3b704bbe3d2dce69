// Defaulting for admissionregistration.k8s.io/v1, as upstream's SetDefaults_* for the policy kinds.
import type { MatchResources, MutatingWebhookConfiguration, NamedRuleWithOperations, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, ValidatingWebhook, ValidatingWebhookConfiguration } from './types.js';

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

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook and their rules and service port. */
function defaultWebhook(h: ValidatingWebhook): void {
  h.failurePolicy ??= 'Fail';
  h.matchPolicy ??= 'Equivalent';
  h.namespaceSelector ??= {};
  h.objectSelector ??= {};
  h.timeoutSeconds ??= 10;
  for (const r of h.rules ?? []) r.scope ??= '*';
  if (h.clientConfig?.service) h.clientConfig.service.port ??= 443;
}

export function defaultValidatingWebhookConfiguration(c: ValidatingWebhookConfiguration): void {
  for (const h of c.webhooks ?? []) defaultWebhook(h);
}

export function defaultMutatingWebhookConfiguration(c: MutatingWebhookConfiguration): void {
  for (const h of c.webhooks ?? []) {
    defaultWebhook(h);
    h.reinvocationPolicy ??= 'Never';
  }
}
