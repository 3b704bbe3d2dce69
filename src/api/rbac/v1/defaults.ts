// Defaulting for rbac.authorization.k8s.io/v1, as upstream's SetDefaults_* for the group.
import { RBAC_GROUP, type RoleBinding, type RoleRef, type Subject } from './types.js';

function defaultSubject(s: Subject): void {
  // Users and groups belong to the RBAC group; service accounts to the core group.
  if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
}

/** RoleBinding and ClusterRoleBinding alike. */
export function defaultBinding(b: RoleBinding): void {
  // roleRef is a plain struct upstream: even an absent one gets the group, then fails validation on kind and name.
  b.roleRef ??= {} as RoleRef;
  if (!b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? []) defaultSubject(s);
}
