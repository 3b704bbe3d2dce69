// The shapes bootstrap roles and bindings are written in, as upstream's rbacv1helpers builders:
// every object labelled kubernetes.io/bootstrapping=rbac-defaults and annotated autoupdate=true,
// which is what the reconciler and `kubectl get clusterroles -l` rely on.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../../api/rbac/v1/types.js';

export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const BOOTSTRAPPING_LABEL = 'kubernetes.io/bootstrapping';
const AGG = 'rbac.authorization.k8s.io/aggregate-to-';

export const READ = ['get', 'list', 'watch'];
export const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
export const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const EVENT_WRITE = ['create', 'patch', 'update'];

export function r(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return resourceNames ? { apiGroups, resources, resourceNames, verbs } : { apiGroups, resources, verbs };
}

export function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { nonResourceURLs, verbs };
}

export function role(name: string, rules: PolicyRule[] | null, extraLabels: Record<string, string> = {}, aggregateFrom?: string): ClusterRole {
  const out: ClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' }, labels: { [BOOTSTRAPPING_LABEL]: 'rbac-defaults', ...extraLabels } },
  };
  if (aggregateFrom) out.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`${AGG}${aggregateFrom}`]: 'true' } }] };
  if (rules) out.rules = rules;
  return out;
}

export const aggregateTo = (to: string): Record<string, string> => ({ [`${AGG}${to}`]: 'true' });

export const group = (name: string): Subject => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
export const user = (name: string): Subject => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

export function binding(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' }, labels: { [BOOTSTRAPPING_LABEL]: 'rbac-defaults' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });
