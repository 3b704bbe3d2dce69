// Whether a webhook is called for a request, as upstream's ShouldCallHook: never for the
// admission configuration resources themselves (so a broken webhook can always be removed); then
// its rules (operations, groups, versions, resources with subresources and '*', scope;
// matchPolicy Equivalent also matching the resource's other versions), namespaceSelector and
// objectSelector (on the new or the old object), then its matchConditions in CEL.
import type { CelInput } from '@bufbuild/cel';
import { webhookMatchConditionEnvironment } from '../../../api/admissionregistration/v1/cel-environment.js';
import { ADMISSIONREGISTRATION_GROUP, type ValidatingWebhook } from '../../../api/admissionregistration/v1/types.js';
import { celTypeName } from '../../../api/cel/values.js';
import { matchesResources, type MatchRequest } from '../validating-policy/matching.js';

const EXEMPT = new Set([
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);

export function isExemptResource(group: string, resource: string): boolean {
  return group === ADMISSIONREGISTRATION_GROUP && EXEMPT.has(resource);
}

/** The rules and selectors: upstream's rule and label matchers. */
export function webhookMatches(hook: ValidatingWebhook, r: MatchRequest): boolean {
  return matchesResources({
    namespaceSelector: hook.namespaceSelector,
    objectSelector: hook.objectSelector,
    matchPolicy: hook.matchPolicy,
    resourceRules: hook.rules ?? [],
  }, r, true);
}

/** true: call; false: skip; a string: the conditions could not be decided (failurePolicy decides). */
export function matchConditionsPass(hook: ValidatingWebhook, activation: () => Record<string, CelInput>): boolean | string {
  if (!hook.matchConditions?.length) return true;
  const vars = activation();
  let failure: string | undefined;
  for (const c of hook.matchConditions) {
    const compiled = webhookMatchConditionEnvironment.compile(c.expression);
    if (compiled.error !== undefined) {
      failure ??= `failed to evaluate match condition '${c.name}': ${compiled.error}`;
      continue;
    }
    const r = compiled.program.eval(vars);
    if ('error' in r) failure ??= `failed to evaluate match condition '${c.name}': ${r.error}`;
    // A false condition skips the webhook even when another one errs, as upstream.
    else if (r.value === false) return false;
    else if (r.value !== true) failure ??= `match condition '${c.name}' must evaluate to bool, got ${celTypeName(r.value)}`;
  }
  return failure ?? true;
}
