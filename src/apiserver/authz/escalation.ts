// RBAC escalation prevention (upstream's pkg/registry/rbac policy-based storage): a Role or
// ClusterRole may hold only rules its writer holds, unless the writer may `escalate` it; a
// binding may grant only a role whose rules its writer holds, unless the writer may `bind` it.
// system:masters is exempt, as are the server's own writes (no requester).
import type { ClusterRole, PolicyRule, Role, RoleBinding } from '../../api/rbac/v1/types.js';
import { RBAC_GROUP } from '../../api/rbac/v1/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import type { UserInfo } from '../auth/token.js';
import { errors } from '../errors.js';
import { deepEqual } from '../fieldmanager/equality.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { Authorizer } from './authorizer.js';
import { compactRules, compactString, covers, goQuotedList } from './covers.js';
import { forbiddenError } from './forbidden.js';
import type { RuleResolver } from './rbac.js';

const SYSTEM_MASTERS = 'system:masters';
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

function allowedTo(authorizer: Authorizer, user: UserInfo, verb: string, resource: string, namespace: string, name: string): boolean {
  const a = { user, verb, resourceRequest: true, path: '', namespace, apiGroup: RBAC_GROUP, apiVersion: '', resource, subresource: '', name };
  return authorizer.authorize(a).decision === 'allow';
}

/** Upstream's ConfirmNoEscalation, as the message of an error (undefined when covered). */
export function escalationMessage(resolver: RuleResolver, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): string | undefined {
  const held = resolver.rulesFor(user, namespace);
  const { ok, missing } = covers(held.rules, rules);
  if (ok) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.name)} (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (held.errors.length) msg += `; resolution errors: [${held.errors.join(' ')}]`;
  return msg;
}

export function escalationCheck(authorizer: Authorizer, resolver: RuleResolver): AdmissionCheck {
  return (entry, obj, op, old, requester) => {
    if (entry.group !== RBAC_GROUP || op === 'delete' || !requester) return;
    const user = requester as UserInfo;
    if (user.groups.includes(SYSTEM_MASTERS)) return;
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const refuse = (why: string) => forbiddenError(RBAC_GROUP, entry.resource, name, why);
    if (entry.resource === 'roles' || entry.resource === 'clusterroles') {
      const role = obj as ClusterRole;
      if (old && deepEqual((old as Role).rules ?? [], role.rules ?? []) && deepEqual((old as ClusterRole).aggregationRule, role.aggregationRule)) return;
      if (allowedTo(authorizer, user, 'escalate', entry.resource, ns, name)) return;
      if (role.aggregationRule && escalationMessage(resolver, user, ns, FULL_AUTHORITY)) throw refuse('must have cluster-admin privileges to use the aggregationRule');
      const msg = escalationMessage(resolver, user, ns, role.rules ?? []);
      if (msg) throw refuse(msg);
      return;
    }
    if (entry.resource === 'rolebindings' || entry.resource === 'clusterrolebindings') {
      const binding = obj as RoleBinding;
      if (old && deepEqual((old as KubeObject)['subjects'], binding.subjects) && deepEqual((old as RoleBinding).roleRef, binding.roleRef)) return;
      const ref = binding.roleRef;
      const refResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
      if (allowedTo(authorizer, user, 'bind', refResource, ns, ref.name)) return;
      const { rules, error } = resolver.roleRefRules(ref, ns);
      if (error) throw errors.notFound({ group: RBAC_GROUP, resource: ref.kind.toLowerCase() }, ref.name);
      const msg = escalationMessage(resolver, user, ns, rules);
      if (msg) throw refuse(msg);
    }
  };
}
