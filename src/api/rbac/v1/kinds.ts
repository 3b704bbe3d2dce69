// The kinds rbac.authorization.k8s.io/v1 serves. None has a spec or status, and upstream keeps
// no generation for them.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { defaultBinding } from './defaults.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './types.js';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from './validation.js';
import { RBAC_GROUP } from './types.js';

const version = 'v1';

const role: KindDefinition<Role> = {
  group: RBAC_GROUP,
  version,
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  schema: 'io.k8s.api.rbac.v1.Role',
  tracksGeneration: false,
  validateCreate: validateRole,
  validateUpdate: validateRoleUpdate,
};

const clusterRole: KindDefinition<ClusterRole> = {
  group: RBAC_GROUP,
  version,
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  schema: 'io.k8s.api.rbac.v1.ClusterRole',
  tracksGeneration: false,
  validateCreate: validateClusterRole,
  validateUpdate: validateClusterRoleUpdate,
};

const roleBinding: KindDefinition<RoleBinding> = {
  group: RBAC_GROUP,
  version,
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  schema: 'io.k8s.api.rbac.v1.RoleBinding',
  tracksGeneration: false,
  default: defaultBinding,
  validateCreate: validateRoleBinding,
  validateUpdate: validateRoleBindingUpdate,
};

const clusterRoleBinding: KindDefinition<ClusterRoleBinding> = {
  group: RBAC_GROUP,
  version,
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  schema: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  tracksGeneration: false,
  default: defaultBinding,
  validateCreate: validateClusterRoleBinding,
  validateUpdate: validateClusterRoleBindingUpdate,
};

export const rbacKinds: readonly KindDefinition[] = [clusterRole, clusterRoleBinding, role, roleBinding] as unknown as readonly KindDefinition[];
