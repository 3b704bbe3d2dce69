// Whether a policy's matchConstraints (or a binding's matchResources) cover a request, as
// upstream's generic policy matcher: resource rules with operations, groups, versions, resources
// and subresources, scope and resource names; exclude rules; namespace and object selectors;
// matchPolicy Equivalent letting a rule for one version of a resource match its other versions.
import type { MatchResources, NamedRuleWithOperations } from '../../../api/admissionregistration/v1/types.js';
import { selectorFromLabelSelector } from '../../../api/labels/label-selector.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface MatchRequest {
  operation: Operation;
  resource: GroupVersionResource;
  /** The other versions the same resource is served in (matchPolicy Equivalent). */
  equivalents: readonly GroupVersionResource[];
  subresource: string;
  name: string;
  /** Empty for cluster-scoped objects (and for Namespaces themselves). */
  namespace: string;
  /** The object's labels ({} when it has none); undefined when there is no object (delete) or no old object (create). */
  objectLabels?: Record<string, string>;
  oldObjectLabels?: Record<string, string>;
  /** The labels of the request's namespace (of the Namespace itself for namespace requests); undefined when cluster-scoped. */
  namespaceLabels?: Record<string, string>;
}

const has = (list: readonly string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

function resourceMatches(patterns: readonly string[] | undefined, resource: string, subresource: string): boolean {
  for (const p of patterns ?? []) {
    if (p === '*/*') return true;
    const [res, sub] = p.split('/') as [string, string | undefined];
    if (sub === undefined) {
      if (subresource === '' && (res === '*' || res === resource)) return true;
      continue;
    }
    if ((res === '*' || res === resource) && (sub === '*' || sub === subresource)) return true;
  }
  return false;
}

function ruleMatches(rule: NamedRuleWithOperations, r: MatchRequest, gvr: GroupVersionResource): boolean {
  if (!has(rule.operations, r.operation)) return false;
  if (!has(rule.apiGroups, gvr.group) || !has(rule.apiVersions, gvr.version)) return false;
  if (!resourceMatches(rule.resources, gvr.resource, r.subresource)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && r.namespace !== '') return false;
  if (scope === 'Namespaced' && r.namespace === '') return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(r.name)) return false;
  return true;
}

function anyRuleMatches(rules: readonly NamedRuleWithOperations[] | undefined, r: MatchRequest, equivalent: boolean): boolean {
  const candidates = equivalent ? [r.resource, ...r.equivalents] : [r.resource];
  return (rules ?? []).some((rule) => candidates.some((gvr) => ruleMatches(rule, r, gvr)));
}

function selectorMatches(selector: MatchResources['namespaceSelector'], labels: Record<string, string> | undefined): boolean {
  return selectorFromLabelSelector(selector ?? {}).matches(labels ?? {});
}

/**
 * Whether the constraints cover the request. `requireRules` is true for a policy's
 * matchConstraints; a binding without resourceRules narrows only by its selectors.
 */
export function matchesResources(m: MatchResources | undefined, r: MatchRequest, requireRules: boolean): boolean {
  if (!m) return !requireRules;
  // A cluster-scoped object other than a Namespace has no namespace to select on: it matches.
  if (r.namespaceLabels !== undefined && !selectorMatches(m.namespaceSelector, r.namespaceLabels)) return false;
  // Either the new or the old object may carry the labels (a label removed on update still matches).
  const labelSets = [r.objectLabels, r.oldObjectLabels].filter((l) => l !== undefined);
  if (!(labelSets.length ? labelSets : [{}]).some((labels) => selectorMatches(m.objectSelector, labels))) return false;
  const equivalent = (m.matchPolicy ?? 'Equivalent') === 'Equivalent';
  if (anyRuleMatches(m.excludeResourceRules, r, equivalent)) return false;
  if (!m.resourceRules?.length) return !requireRules;
  return anyRuleMatches(m.resourceRules, r, equivalent);
}
