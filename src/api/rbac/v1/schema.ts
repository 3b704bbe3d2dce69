// Schema of rbac.authorization.k8s.io/v1: roles, bindings and their lists.
import { arr, define, obj, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, listMeta, objectMeta } from '../../schema/meta.js';

const RBAC = 'io.k8s.api.rbac.v1';
const atomic = { listType: 'atomic' } as const;

function defineList(kind: string, description: string): void {
  define(
    `${RBAC}.${kind}List`,
    obj(
      {
        apiVersion: apiVersionField(),
        items: arr(ref(`${RBAC}.${kind}`), { description: `Items is the list of ${kind} objects.` }),
        kind: kindField(),
        metadata: listMeta(),
      },
      { required: ['items'], description },
    ),
  );
}

define(
  `${RBAC}.PolicyRule`,
  obj(
    {
      apiGroups: arr(str(), { ...atomic, description: 'API groups of the resources; "" is the core group and "*" every group.' }),
      nonResourceURLs: arr(str(), { ...atomic, description: 'Non-resource URL paths, such as /healthz, allowed by this rule; ClusterRoles only.' }),
      resourceNames: arr(str(), { ...atomic, description: 'Names of the objects the rule is limited to; all objects when empty.' }),
      resources: arr(str(), { ...atomic, description: 'Resources the rule applies to; "*" means all of them.' }),
      verbs: arr(str(), { ...atomic, description: 'Verbs allowed, such as get, list, watch, create; "*" means all of them.' }),
    },
    { required: ['verbs'], description: 'PolicyRule grants some verbs on some resources or non-resource URLs.' },
  ),
);

define(
  `${RBAC}.AggregationRule`,
  obj(
    {
      clusterRoleSelectors: arr(labelSelector(), { ...atomic, description: 'ClusterRoles whose rules are collected into this one.' }),
    },
    { description: 'AggregationRule builds a ClusterRole from the rules of other ClusterRoles.' },
  ),
);

define(
  `${RBAC}.Subject`,
  obj(
    {
      apiGroup: str('API group of the subject: "" for ServiceAccount, rbac.authorization.k8s.io for User and Group.'),
      kind: str('Kind of the subject: ServiceAccount, User or Group.'),
      name: str('Name of the subject.'),
      namespace: str('Namespace of a ServiceAccount subject.'),
    },
    { required: ['kind', 'name'], mapType: 'atomic', description: 'Subject is a user, group or service account a binding grants a role to.' },
  ),
);

define(
  `${RBAC}.RoleRef`,
  obj(
    {
      apiGroup: str('API group of the referenced role.'),
      kind: str('Kind of the referenced role: Role or ClusterRole.'),
      name: str('Name of the referenced role.'),
    },
    { required: ['apiGroup', 'kind', 'name'], mapType: 'atomic', description: 'RoleRef names the role a binding grants.' },
  ),
);

const rulesField = () => arr(ref(`${RBAC}.PolicyRule`), { ...atomic, description: 'Rules granted by this role.' });

define(
  `${RBAC}.Role`,
  obj(
    { apiVersion: apiVersionField(), kind: kindField(), metadata: objectMeta(), rules: rulesField() },
    { description: 'Role is a namespaced set of permissions, granted through a RoleBinding.' },
  ),
);
defineList('Role', 'RoleList is a list of Roles.');

define(
  `${RBAC}.ClusterRole`,
  obj(
    {
      aggregationRule: ref(`${RBAC}.AggregationRule`, 'When set, the controller manager fills rules from the selected ClusterRoles.'),
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      rules: rulesField(),
    },
    { description: 'ClusterRole is a cluster-wide set of permissions, granted through a RoleBinding or ClusterRoleBinding.' },
  ),
);
defineList('ClusterRole', 'ClusterRoleList is a list of ClusterRoles.');

const bindingFields = (roleKinds: string) => ({
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  roleRef: ref(`${RBAC}.RoleRef`, `The ${roleKinds} granted; it cannot be changed once set.`),
  subjects: arr(ref(`${RBAC}.Subject`), { ...atomic, description: 'Who is granted the role.' }),
});

define(
  `${RBAC}.RoleBinding`,
  obj(bindingFields('Role or ClusterRole'), { required: ['roleRef'], description: 'RoleBinding grants a role to subjects within one namespace.' }),
);
defineList('RoleBinding', 'RoleBindingList is a list of RoleBindings.');

define(
  `${RBAC}.ClusterRoleBinding`,
  obj(bindingFields('ClusterRole'), { required: ['roleRef'], description: 'ClusterRoleBinding grants a ClusterRole to subjects across the whole cluster.' }),
);
defineList('ClusterRoleBinding', 'ClusterRoleBindingList is a list of ClusterRoleBindings.');
