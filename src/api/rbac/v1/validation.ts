// Validation of rbac.authorization.k8s.io/v1 objects, with upstream's rules and messages
// (pkg/apis/rbac/validation). RBAC objects have no spec: paths start at the top level.
import { isDeepStrictEqual } from 'node:util';
import { FieldPath, invalid, notSupported, path, required, type FieldError } from '../../validation/field.js';
import { nameIsDNSSubdomain, pathSegmentName, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { RBAC_GROUP, type ClusterRole, type PolicyRule, type Role, type RoleBinding, type Subject } from './types.js';

const metaUpdateOpts = { requireResourceVersion: false };

export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule.verbs?.length) errs.push(required(p.child('verbs'), 'verbs must contain at least one value'));
  if (rule.nonResourceURLs?.length) {
    if (namespaced) errs.push(invalid(p.child('nonResourceURLs'), rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errs.push(invalid(p.child('nonResourceURLs'), rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (!rule.apiGroups?.length) errs.push(required(p.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (!rule.resources?.length) errs.push(required(p.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((r, i) => validatePolicyRule(r, namespaced, path('rules').index(i)));
}

export function validateRole(role: Role): FieldError[] {
  return [...validateObjectMeta(role.metadata, true, pathSegmentName), ...validateRules(role.rules, true)];
}

export function validateRoleUpdate(role: Role, old: Role): FieldError[] {
  return [...validateRole(role), ...validateObjectMetaUpdate(role.metadata, old.metadata, undefined, metaUpdateOpts)];
}

export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = [...validateObjectMeta(role.metadata, false, pathSegmentName), ...validateRules(role.rules, false)];
  if (role.aggregationRule) {
    const sp = path('aggregationRule', 'clusterRoleSelectors');
    const selectors = role.aggregationRule.clusterRoleSelectors ?? [];
    if (selectors.length === 0) errs.push(required(sp, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((sel, i) => errs.push(...validateLabelSelector(sel, sp.index(i))));
  }
  return errs;
}

export function validateClusterRoleUpdate(role: ClusterRole, old: ClusterRole): FieldError[] {
  return [...validateClusterRole(role), ...validateObjectMetaUpdate(role.metadata, old.metadata, undefined, metaUpdateOpts)];
}

export function validateSubject(s: Subject, namespaced: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(p.child('name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const m of nameIsDNSSubdomain(s.name, false)) errs.push(invalid(p.child('name'), s.name, m));
      if (s.apiGroup) errs.push(notSupported(p.child('apiGroup'), s.apiGroup, ['']));
      // A ClusterRoleBinding has no namespace of its own to resolve the account in.
      if (!namespaced && !s.namespace) errs.push(required(p.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(p.child('apiGroup'), s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(p.child('kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(b: RoleBinding, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(b.metadata, namespaced, pathSegmentName);
  const ref = b.roleRef ?? { apiGroup: '', kind: '', name: '' };
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported(path('roleRef', 'apiGroup'), ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported(path('roleRef', 'kind'), ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required(path('roleRef', 'name')));
  else for (const m of pathSegmentName(ref.name, false)) errs.push(invalid(path('roleRef', 'name'), ref.name, m));
  (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, path('subjects').index(i))));
  return errs;
}

function validateBindingUpdate(b: RoleBinding, old: RoleBinding, namespaced: boolean): FieldError[] {
  const errs = [...validateBinding(b, namespaced), ...validateObjectMetaUpdate(b.metadata, old.metadata, undefined, metaUpdateOpts)];
  // Changing the role would silently change what every subject may do; bindings are replaced instead.
  if (!isDeepStrictEqual(normalizeRef(b.roleRef), normalizeRef(old.roleRef))) errs.push(invalid(path('roleRef'), b.roleRef, 'cannot change roleRef'));
  return errs;
}

function normalizeRef(r: RoleBinding['roleRef'] | undefined) {
  return { apiGroup: r?.apiGroup ?? '', kind: r?.kind ?? '', name: r?.name ?? '' };
}

export const validateRoleBinding = (b: RoleBinding): FieldError[] => validateBinding(b, true);
export const validateRoleBindingUpdate = (b: RoleBinding, old: RoleBinding): FieldError[] => validateBindingUpdate(b, old, true);
export const validateClusterRoleBinding = (b: RoleBinding): FieldError[] => validateBinding(b, false);
export const validateClusterRoleBindingUpdate = (b: RoleBinding, old: RoleBinding): FieldError[] => validateBindingUpdate(b, old, false);
